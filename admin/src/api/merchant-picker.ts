import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { CatalogueListQuery, CatalogueListResponse } from '../../../server/src/contracts/admin';
import { adminPath, toApiError } from './request';

/** What the merchant picker shows of a brand of the stored catalogue. */
export interface PickerBrand {
  merchant_id: string;
  name: string;
  icon_url: string | null;
  removed: boolean;
}

/**
 * Why the picker fell back to a plain input: the role may not read the catalogue (403), the request failed, or the
 * catalogue holds no brand (never synced). Once down it stays down while the form is open: no retry per keystroke.
 */
export type CatalogueDown = 'forbidden' | 'failed' | 'empty';

export interface CatalogueSearch {
  brands: PickerBrand[];
  /** The query the brands answer (the debounced text), null before the first answer. */
  answered: string | null;
  down: CatalogueDown | null;
}

export const PICKER_PAGE_SIZE = 20;

/**
 * GET /catalogue?q=...&pageSize=20: brands whose name or id contains `q` (partnered first, then by name), from what
 * the last sync stored. `q` is expected debounced by the caller.
 */
export function useCatalogueSearch(q: string): CatalogueSearch {
  const { get } = useFetchClient();
  const [state, setState] = useState<CatalogueSearch>({ brands: [], answered: null, down: null });
  const down = state.down !== null;

  useEffect(() => {
    if (down) return undefined;
    let live = true;
    const params: CatalogueListQuery = { pageSize: PICKER_PAGE_SIZE, ...(q ? { q } : {}) };
    get<CatalogueListResponse>(adminPath('/catalogue'), { params }).then(
      ({ data }) => {
        if (!live) return;
        const brands = data.data.map((row) => ({
          merchant_id: row.merchant_id,
          name: row.name,
          icon_url: row.icon_url,
          removed: row.status === 'removed',
        }));
        // `counts.total` counts every stored brand, whatever the query: none means the catalogue was never synced.
        setState({ brands, answered: q, down: data.meta.counts.total === 0 ? 'empty' : null });
      },
      (error: unknown) => {
        if (!live) return;
        setState({ brands: [], answered: q, down: toApiError(error).status === 403 ? 'forbidden' : 'failed' });
      }
    );
    return () => {
      live = false;
    };
  }, [get, q, down]);

  return state;
}

/** `value`, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
