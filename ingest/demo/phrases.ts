/**
 * Sentences for the synthetic demo source, per language and sentiment. `{b}` is the brand
 * name, `{a}` an aspect word of that language. Written to read like short social posts.
 */
export type DemoSentiment = 'pos' | 'neu' | 'neg';

export interface LanguagePhrases {
  aspects: Record<DemoAspect, string>;
  pos: string[];
  neu: string[];
  neg: string[];
  /** Sentences of the planted incident (an outage after an update). */
  incident: string[];
}

export type DemoAspect = 'camera' | 'battery' | 'support' | 'price' | 'update' | 'design';
export const ASPECTS: DemoAspect[] = ['camera', 'battery', 'support', 'price', 'update', 'design'];

export const PHRASES: Record<string, LanguagePhrases> = {
  en: {
    aspects: {
      camera: 'camera',
      battery: 'battery',
      support: 'support',
      price: 'price',
      update: 'update',
      design: 'design',
    },
    pos: [
      'Really love the new {b} {a}, works great!',
      'The {a} on my {b} is amazing 😍',
      'Honestly {b} nailed the {a} this time. Very happy.',
      'Switched to {b} last month and the {a} is excellent #happy',
      '{b} {a} is so good, best purchase this year 👍',
    ],
    neu: [
      'Anyone know when the next {b} {a} comes out?',
      'Comparing the {b} {a} with the others, thoughts?',
      '{b} announced details about the {a} today.',
      'Picked up a {b} at the store. Setting up the {a} now.',
      'Is the {b} {a} the same in every country?',
    ],
    neg: [
      'The {b} {a} is terrible, really disappointed 😡',
      'Worst {a} ever. {b} please fix this.',
      'My {b} {a} broke after two weeks. Not happy at all.',
      '{b} {a} is awful, I want a refund',
      'So frustrated with {b} {a}, never again #fail',
    ],
    incident: [
      '{b} update bricked my phone. Total outage, nothing works 😡',
      '@{b}support is anyone there? The update killed my battery and the app crashes',
      'Terrible. {b} outage since this morning, cannot make calls at all',
      'Do NOT install the new {b} update. Broken, awful, angry',
    ],
  },
  de: {
    aspects: {
      camera: 'Kamera',
      battery: 'Akku',
      support: 'Kundenservice',
      price: 'Preis',
      update: 'Update',
      design: 'Design',
    },
    pos: [
      'Ich liebe die neue {a} von {b}, einfach super!',
      '{b}: {a} ist wirklich großartig 😍',
      'Endlich mal ein gutes {a}, danke {b}!',
      'Sehr zufrieden mit {b}, {a} top 👍',
    ],
    neu: [
      'Weiß jemand, wann das neue {a} von {b} kommt?',
      '{b} hat heute Details zum {a} veröffentlicht.',
      'Habe mir ein {b} gekauft und teste gerade {a}.',
      'Wie ist {a} bei {b} im Vergleich?',
    ],
    neg: [
      '{a} von {b} ist schrecklich, total enttäuscht 😡',
      'Schlechtester {a} überhaupt. {b}, bitte reparieren!',
      'Mein {b} {a} ist nach zwei Wochen kaputt. Ärgerlich.',
      'Nie wieder {b}, {a} ist eine Katastrophe',
    ],
    incident: [
      'Das {b} Update hat mein Handy zerstört. Totalausfall 😡',
      '{b} Störung seit heute Morgen, nichts geht mehr. Furchtbar!',
      'Bloß nicht das neue {b} Update installieren, alles kaputt',
    ],
  },
  el: {
    aspects: {
      camera: 'κάμερα',
      battery: 'μπαταρία',
      support: 'υποστήριξη',
      price: 'τιμή',
      update: 'ενημέρωση',
      design: 'σχεδίαση',
    },
    pos: [
      'Λατρεύω τη νέα {a} του {b}, τέλεια! 😍',
      'Η {a} του {b} είναι καταπληκτική',
      'Πολύ ευχαριστημένος με το {b}, εξαιρετική {a} 👍',
    ],
    neu: [
      'Ξέρει κανείς πότε βγαίνει η νέα {a} του {b};',
      'Το {b} ανακοίνωσε σήμερα λεπτομέρειες για την {a}.',
      'Πήρα ένα {b} και δοκιμάζω την {a}.',
    ],
    neg: [
      'Η {a} του {b} είναι απαίσια, πολύ απογοητευμένος 😡',
      'Χειρότερη {a} ever. {b} φτιάξτε το!',
      'Χάλασε η {a} του {b} μετά από δύο εβδομάδες. Απαράδεκτο.',
    ],
    incident: [
      'Η ενημέρωση του {b} κατέστρεψε το κινητό μου. Τίποτα δεν λειτουργεί 😡',
      'Διακοπή στο {b} από το πρωί, απαράδεκτο!',
    ],
  },
  sl: {
    aspects: {
      camera: 'kamera',
      battery: 'baterija',
      support: 'podpora',
      price: 'cena',
      update: 'posodobitev',
      design: 'oblikovanje',
    },
    pos: [
      'Obožujem novo {b}, {a} je odlična! 😍',
      '{b} {a} je res super, zelo sem zadovoljen',
      'Končno dobra {a}, hvala {b} 👍',
    ],
    neu: [
      'Ali kdo ve, kdaj pride nova {a} za {b}?',
      '{b} je danes objavil podrobnosti o {a}.',
      'Kupil sem {b} in zdaj preizkušam: {a}.',
    ],
    neg: [
      '{b} {a} je grozna, zelo sem razočaran 😡',
      'Najslabša {a} doslej. {b}, popravite to!',
      '{a} pri {b} se je pokvarila po dveh tednih. Slabo.',
    ],
    incident: [
      'Posodobitev {b} mi je uničila telefon. Nič ne dela 😡',
      '{b} izpad že od jutra, grozno!',
    ],
  },
  fa: {
    aspects: {
      camera: 'دوربین',
      battery: 'باتری',
      support: 'پشتیبانی',
      price: 'قیمت',
      update: 'به‌روزرسانی',
      design: 'طراحی',
    },
    pos: [
      '{a} جدید {b} عالی است، خیلی راضی هستم 😍',
      'واقعا {a} گوشی {b} فوق‌العاده است',
      'از {b} خیلی راضی‌ام، {a} بسیار خوب است 👍',
    ],
    neu: [
      'کسی می‌داند {a} جدید {b} کی می‌آید؟',
      '{b} امروز جزئیات {a} را اعلام کرد.',
      'یک {b} خریدم و دارم {a} را امتحان می‌کنم.',
    ],
    neg: [
      '{a} {b} افتضاح است، خیلی ناامید شدم 😡',
      'بدترین {a} ممکن. {b} لطفا درستش کنید',
      '{a} گوشی {b} بعد از دو هفته خراب شد. خیلی بد است.',
    ],
    incident: [
      'به‌روزرسانی {b} گوشی‌ام را خراب کرد. هیچ چیز کار نمی‌کند 😡',
      'قطعی {b} از صبح، افتضاح است!',
    ],
  },
  es: {
    aspects: {
      camera: 'cámara',
      battery: 'batería',
      support: 'soporte',
      price: 'precio',
      update: 'actualización',
      design: 'diseño',
    },
    pos: [
      'Me encanta la nueva {a} de {b}, ¡genial! 😍',
      'La {a} del {b} es increíble 👍',
      'Muy contento con {b}, la {a} es excelente',
    ],
    neu: [
      '¿Alguien sabe cuándo sale la nueva {a} de {b}?',
      '{b} anunció hoy detalles sobre la {a}.',
    ],
    neg: [
      'La {a} de {b} es horrible, muy decepcionado 😡',
      'Peor {a} de la historia. {b} arréglalo',
      'Se rompió la {a} de mi {b}. Fatal.',
    ],
    incident: ['La actualización de {b} destrozó mi móvil. Nada funciona 😡'],
  },
  fr: {
    aspects: {
      camera: 'caméra',
      battery: 'batterie',
      support: 'support',
      price: 'prix',
      update: 'mise à jour',
      design: 'design',
    },
    pos: [
      "J'adore la nouvelle {a} de {b}, génial ! 😍",
      'La {a} du {b} est excellente 👍',
      'Très content de {b}, la {a} est parfaite',
    ],
    neu: [
      'Quelqu’un sait quand sort la nouvelle {a} de {b} ?',
      '{b} a annoncé des détails sur la {a} aujourd’hui.',
    ],
    neg: [
      'La {a} de {b} est nulle, très déçu 😡',
      'Pire {a} de tous les temps. {b} réparez ça',
      'Ma {a} {b} est cassée après deux semaines. Honteux.',
    ],
    incident: ['La mise à jour {b} a détruit mon téléphone. Plus rien ne marche 😡'],
  },
  it: {
    aspects: {
      camera: 'fotocamera',
      battery: 'batteria',
      support: 'assistenza',
      price: 'prezzo',
      update: 'aggiornamento',
      design: 'design',
    },
    pos: ['Adoro la nuova {a} di {b}, fantastica! 😍', 'La {a} del {b} è ottima 👍'],
    neu: [
      'Qualcuno sa quando esce la nuova {a} di {b}?',
      '{b} ha annunciato oggi dettagli sulla {a}.',
    ],
    neg: ['La {a} di {b} è pessima, molto deluso 😡', 'Peggior {a} di sempre. {b} sistemate!'],
    incident: ["L'aggiornamento di {b} ha distrutto il mio telefono. Non funziona niente 😡"],
  },
  pt: {
    aspects: {
      camera: 'câmera',
      battery: 'bateria',
      support: 'suporte',
      price: 'preço',
      update: 'atualização',
      design: 'design',
    },
    pos: ['Adorei a nova {a} da {b}, incrível! 😍', 'A {a} do {b} é excelente 👍'],
    neu: ['Alguém sabe quando sai a nova {a} da {b}?', 'A {b} anunciou hoje detalhes sobre a {a}.'],
    neg: ['A {a} da {b} é horrível, muito decepcionado 😡', 'Pior {a} de todas. {b} conserta isso'],
    incident: ['A atualização da {b} destruiu meu celular. Nada funciona 😡'],
  },
};

/** Share of demo traffic per language (sums to 1). */
export const LANGUAGE_MIX: Array<[string, number]> = [
  ['en', 0.38],
  ['de', 0.14],
  ['es', 0.1],
  ['fr', 0.08],
  ['el', 0.07],
  ['sl', 0.06],
  ['fa', 0.07],
  ['it', 0.05],
  ['pt', 0.05],
];
