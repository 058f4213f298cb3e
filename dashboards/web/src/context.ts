import type { ApiClient, Brand } from './api.ts';
import type { ViewState } from './state.ts';

/** What the shell hands each page. */
export interface PageContext {
  api: ApiClient;
  state: ViewState;
  workspace: string;
  brands: Brand[];
  /** Update the URL (and so the view) with a partial state. */
  go(patch: Partial<ViewState>): void;
  /** Aborted when the page is left or re-rendered: pending requests stop. */
  signal: AbortSignal;
  now: () => Date;
  /** Forget the brands list (after a brand was saved or deleted): the next render reads it. */
  reloadBrands?: () => void;
}

export type Page = (root: HTMLElement, ctx: PageContext) => Promise<void>;

/** A brand's colour from the config, else one of a palette by position. */
const FALLBACK = ['#4f7cff', '#ff8a3d', '#2bb673', '#b45cf0', '#e0466f', '#1fb3c4', '#c9a227'];
export function brandColor(brands: readonly Brand[], id: string): string {
  const i = brands.findIndex((b) => b.id === id);
  return brands[i]?.color ?? FALLBACK[(i < 0 ? 0 : i) % FALLBACK.length]!;
}
export function brandName(brands: readonly Brand[], id: string): string {
  return brands.find((b) => b.id === id)?.name ?? id;
}
