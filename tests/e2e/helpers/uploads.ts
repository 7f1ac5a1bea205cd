import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';

/**
 * The files a seeded playground wrote to its public/uploads folder (the seed's merchant logos), found through the
 * Media Library of the test's own database. Read them before stopping the app, remove them after: the database is
 * thrown away with the run, the files would otherwise pile up in the (git-ignored) folder.
 */
export async function uploadedFiles(strapi: Core.Strapi): Promise<string[]> {
  const files = (await strapi.db.query('plugin::upload.file').findMany({})) as Array<{
    url: string;
    formats: Record<string, { url: string }> | null;
  }>;
  const publicDir = strapi.dirs.static.public;
  return files
    .flatMap((file) => [file.url, ...Object.values(file.formats ?? {}).map((format) => format.url)])
    .filter((url) => url.startsWith('/uploads/'))
    .map((url) => path.join(publicDir, url));
}

export function removeFiles(paths: string[]): void {
  for (const file of paths) fs.rmSync(file, { force: true });
}
