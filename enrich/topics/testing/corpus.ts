import { mulberry32 } from '../../../core/random.ts';
import type { TopicInput } from '../types.ts';
/**
 * A labelled, multilingual corpus with known topics, for measuring topic quality (purity, NMI)
 * and for tests. Each post names its brand, draws 2–4 terms from one topic's vocabulary in its
 * language (topics share some words, as real ones do: "app" is both about the mobile app and
 * the outage), and is padded with generic words, openers, emoji, hashtags and links. 5 % of
 * posts are off-topic noise, labelled "noise". Seeded: the same seed gives the same corpus.
 */

export interface LabelledPost {
  id: string;
  text: string;
  lang: string;
  brand: string;
  topic: string;
  created_at: string;
}

/** A labelled post as the clusterer takes it (benchmarks and evaluations assign many). */
export function asTopicInput(p: LabelledPost): TopicInput {
  return { id: p.id, text: p.text, lang: p.lang, brands: [p.brand], created_at: p.created_at };
}

type Vocab = Record<string, string[]>;

const TOPICS: Record<string, Record<string, string[]>> = {
  outage: {
    en: [
      'outage',
      'down',
      'servers',
      'status page',
      'not loading',
      'error 503',
      'offline',
      'app',
      'restored',
      'incident',
    ],
    de: [
      'Ausfall',
      'Störung',
      'Server',
      'offline',
      'lädt nicht',
      'Fehler 503',
      'down',
      'App',
      'Statusseite',
      'wiederhergestellt',
    ],
    es: [
      'caída',
      'servidores',
      'no carga',
      'error 503',
      'fuera de servicio',
      'app',
      'incidencia',
      'restablecido',
      'página de estado',
    ],
  },
  pricing: {
    en: [
      'price increase',
      'subscription',
      'too expensive',
      'pricing',
      'plan',
      'cancel',
      'monthly fee',
      'discount',
      'price',
    ],
    de: [
      'Preiserhöhung',
      'Abo',
      'zu teuer',
      'Preise',
      'Tarif',
      'kündigen',
      'Monatsgebühr',
      'Rabatt',
      'Preis',
    ],
    es: [
      'subida de precio',
      'suscripción',
      'demasiado caro',
      'precios',
      'tarifa',
      'cancelar',
      'cuota mensual',
      'descuento',
      'precio',
    ],
  },
  support: {
    en: [
      'customer support',
      'ticket',
      'waiting',
      'no reply',
      'chat agent',
      'refund',
      'hotline',
      'helpdesk',
      'escalated',
    ],
    de: [
      'Kundenservice',
      'Ticket',
      'warte',
      'keine Antwort',
      'Hotline',
      'Erstattung',
      'Support',
      'Chat',
      'eskaliert',
    ],
    es: [
      'atención al cliente',
      'ticket',
      'esperando',
      'sin respuesta',
      'reembolso',
      'chat',
      'soporte',
      'línea de ayuda',
    ],
  },
  launch: {
    en: [
      'new feature',
      'launch',
      'announced',
      'beta',
      'release',
      'roadmap',
      'dark mode',
      'integration',
      'keynote',
    ],
    de: [
      'neue Funktion',
      'Launch',
      'angekündigt',
      'Beta',
      'Release',
      'Roadmap',
      'Dunkelmodus',
      'Integration',
      'Keynote',
    ],
    es: [
      'nueva función',
      'lanzamiento',
      'anunciado',
      'beta',
      'versión',
      'hoja de ruta',
      'modo oscuro',
      'integración',
    ],
  },
  security: {
    en: [
      'data breach',
      'hacked',
      'passwords',
      'leak',
      'security',
      'two-factor',
      'phishing',
      'vulnerability',
      'patch',
    ],
    de: [
      'Datenleck',
      'gehackt',
      'Passwörter',
      'Sicherheit',
      'Zwei-Faktor',
      'Phishing',
      'Sicherheitslücke',
      'Patch',
    ],
    es: [
      'filtración de datos',
      'hackeado',
      'contraseñas',
      'seguridad',
      'doble factor',
      'phishing',
      'vulnerabilidad',
      'parche',
    ],
  },
  earnings: {
    en: [
      'earnings',
      'quarterly results',
      'revenue',
      'stock',
      'shares',
      'investors',
      'guidance',
      'profit',
      'CEO',
    ],
    de: ['Quartalszahlen', 'Umsatz', 'Aktie', 'Anleger', 'Gewinn', 'Prognose', 'Börse', 'Chef'],
    es: [
      'resultados trimestrales',
      'ingresos',
      'acciones',
      'inversores',
      'beneficios',
      'bolsa',
      'previsión',
      'consejero delegado',
    ],
  },
  mobile: {
    en: [
      'iOS app',
      'Android',
      'battery drain',
      'crashes',
      'update',
      'notifications',
      'widget',
      'app',
      'phone',
    ],
    de: [
      'iOS-App',
      'Android',
      'Akku',
      'stürzt ab',
      'Update',
      'Benachrichtigungen',
      'Widget',
      'App',
      'Handy',
    ],
    es: [
      'app de iOS',
      'Android',
      'batería',
      'se cierra',
      'actualización',
      'notificaciones',
      'widget',
      'app',
      'móvil',
    ],
  },
  sustainability: {
    en: [
      'carbon neutral',
      'renewable energy',
      'climate',
      'emissions',
      'recycling',
      'green',
      'solar',
      'sustainability',
    ],
    de: [
      'klimaneutral',
      'erneuerbare Energie',
      'Klima',
      'Emissionen',
      'Recycling',
      'grün',
      'Solar',
      'Nachhaltigkeit',
    ],
    es: [
      'neutral en carbono',
      'energía renovable',
      'clima',
      'emisiones',
      'reciclaje',
      'verde',
      'solar',
      'sostenibilidad',
    ],
  },
};

const HASHTAGS: Record<string, string[]> = {
  outage: ['outage', 'down'],
  pricing: ['pricing', 'subscription'],
  support: ['customerservice', 'support'],
  launch: ['launch', 'newfeature'],
  security: ['databreach', 'infosec'],
  earnings: ['earnings', 'stocks'],
  mobile: ['ios', 'android'],
  sustainability: ['climate', 'sustainability'],
};

const FILLER: Vocab = {
  en: [
    'honestly',
    'today',
    'again',
    'really',
    'just',
    'so',
    'the',
    'and',
    'my',
    'this',
    'with',
    'about',
    'anyone else',
    'week',
    'team',
    'people',
    'thing',
    'seriously',
    'update on',
  ],
  de: [
    'ehrlich',
    'heute',
    'schon wieder',
    'echt',
    'einfach',
    'und',
    'mein',
    'diese',
    'mit',
    'über',
    'noch jemand',
    'Woche',
    'Team',
    'Leute',
    'Sache',
    'wirklich',
  ],
  es: [
    'la verdad',
    'hoy',
    'otra vez',
    'de verdad',
    'solo',
    'y',
    'mi',
    'esta',
    'con',
    'sobre',
    'alguien más',
    'semana',
    'equipo',
    'gente',
    'cosa',
    'en serio',
  ],
};

const NOISE: Vocab = {
  en: [
    'what a lovely sunny morning at the beach',
    'watching the football game tonight with friends',
    'my cat knocked over the coffee again',
    'best pizza in town is around the corner',
  ],
  de: [
    'was für ein schöner Morgen am See',
    'heute Abend Fußball mit Freunden',
    'meine Katze hat den Kaffee umgeworfen',
    'die beste Pizza der Stadt gibt es hier',
  ],
  es: [
    'qué mañana tan bonita en la playa',
    'viendo el partido esta noche con amigos',
    'mi gato tiró el café otra vez',
    'la mejor pizza de la ciudad está aquí',
  ],
};

const EXTRAS = ['😡', '🙄', '👍', '🔥', '!!', '?', '...', 'https://example.com/x'];

export const CORPUS_TOPICS = Object.keys(TOPICS);

export const seededRandom = mulberry32;

export function labelledCorpus(options: {
  size: number;
  seed?: number;
  brands?: string[];
  langs?: string[];
  start?: string;
}): LabelledPost[] {
  const rand = seededRandom(options.seed ?? 1);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const brands = options.brands ?? ['Acme', 'Globex'];
  const langs = options.langs ?? ['en', 'en', 'en', 'de', 'es'];
  const start = Date.parse(options.start ?? '2026-11-01T00:00:00Z');
  const posts: LabelledPost[] = [];
  for (let i = 0; i < options.size; i++) {
    const lang = pick(langs);
    const brand = pick(brands);
    const noise = rand() < 0.05;
    const topic = noise ? 'noise' : pick(CORPUS_TOPICS);
    const parts: string[] = [];
    if (rand() < 0.5) parts.push(pick(FILLER[lang]!));
    if (noise) {
      parts.push(pick(NOISE[lang]!), brand);
    } else {
      const vocab = TOPICS[topic]![lang]!;
      const k = 2 + Math.floor(rand() * 3);
      const terms = new Set<string>();
      while (terms.size < k) terms.add(pick(vocab));
      const words = [...terms];
      words.splice(Math.floor(rand() * (words.length + 1)), 0, brand);
      for (const w of words) {
        parts.push(w);
        if (rand() < 0.4) parts.push(pick(FILLER[lang]!));
      }
      if (rand() < 0.3) parts.push(`#${pick(HASHTAGS[topic]!)}`);
    }
    if (rand() < 0.3) parts.push(pick(EXTRAS));
    posts.push({
      id: `corpus:${i}`,
      text: parts.join(' '),
      lang,
      brand,
      topic,
      created_at: new Date(start + i * 60_000).toISOString(),
    });
  }
  return posts;
}
