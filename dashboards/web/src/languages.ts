/**
 * Language names for people: "Greek", "Persian" (or "Griechisch" for a German reader) instead of
 * the ISO 639 codes the API speaks (`el`, `fa`). Intl.DisplayNames knows them in the browser's
 * language; a code it does not know stays a code rather than a guess.
 */

const names = new Map<string, Intl.DisplayNames | null>();

function displayNames(locale: string | undefined): Intl.DisplayNames | null {
  const key = locale ?? '';
  if (!names.has(key)) {
    try {
      names.set(
        key,
        new Intl.DisplayNames(locale === undefined ? undefined : [locale], { type: 'language' }),
      );
    } catch {
      names.set(key, null);
    }
  }
  return names.get(key) ?? null;
}

/** `el` → "Greek"; `und` (not detected) → "Unknown language"; an unknown code → itself. */
export function languageName(code: string | null | undefined, locale?: string): string {
  if (!code) return 'Unknown language';
  if (code === 'und') return 'Unknown language';
  try {
    const name = displayNames(locale)?.of(code);
    return name && name !== code ? name : code;
  } catch {
    // A malformed code (not a BCP 47 tag) throws: show it as it came.
    return code;
  }
}
