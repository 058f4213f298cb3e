/** Declared language tags from sources are hints; they must still fit the contract's LangCode. */

/** `en-US` / `EN` / `en_us` → a LangCode, or null when it is not one. */
export function normalizeLang(lang: string | null): string | null {
  if (!lang) return null;
  const [primary, ...rest] = lang.trim().replace(/_/g, '-').split('-');
  if (!primary || !/^[a-z]{2,3}$/i.test(primary)) return null;
  const tail = rest.filter((r) => /^[A-Za-z0-9]{2,8}$/.test(r));
  return [primary.toLowerCase(), ...tail].join('-');
}
