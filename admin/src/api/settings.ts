import type { RuntimeSettingsInput, SettingsResponse } from '../../../server/src/contracts/admin';
import { adminPath, useApiMutation, useApiQuery } from './request';

export function useSettings() {
  return useApiQuery('settings', async ({ get }) => {
    const { data } = await get<SettingsResponse>(adminPath('/settings'));
    return data.data;
  });
}

/** Saves the whole set of runtime settings (the server replaces what it stored). */
export function useSaveSettings() {
  return useApiMutation(async ({ put }, body: RuntimeSettingsInput) => {
    const { data } = await put<SettingsResponse>(adminPath('/settings'), body);
    return data.data;
  });
}
