import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';
import { ICON_EXTENSIONS, type DownloadedIcon } from './icon';

/** A Media Library file, as the admin needs it. */
export interface MediaFile {
  id: number;
  url: string;
  name: string;
  mime: string;
  size: number;
}

/** What the icon import does in Strapi: small enough to fake. */
export interface IconMedia {
  upload(icon: DownloadedIcon, info: { fileName: string; alternativeText: string }, userId: number | string): Promise<MediaFile>;
  remove(fileId: number): Promise<void>;
  /** Sets the logo of the document's draft (logo is not localized: every locale's draft gets it). */
  assignLogo(documentId: string, fileId: number, locale: string | undefined): Promise<void>;
}

/** The upload plugin's service (@strapi/upload 5.54), the part used here. */
interface UploadService {
  upload(
    input: { data: { fileInfo: Record<string, unknown> }; files: Record<string, unknown> },
    options: { user: { id: number | string } }
  ): Promise<Array<{ id: number; url: string; name: string; mime: string; size: number }>>;
  remove(file: unknown): Promise<unknown>;
}

export function strapiIconMedia(strapi: Core.Strapi): IconMedia {
  const uploads = () => strapi.plugin('upload').service('upload') as unknown as UploadService;
  return {
    async upload(icon, info, userId) {
      // The upload service takes files as formidable leaves them: on disk, in a folder of their own.
      const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'button-icon-'));
      const fileName = `${info.fileName}.${ICON_EXTENSIONS[icon.type]}`;
      const filepath = path.join(folder, fileName);
      try {
        await fs.writeFile(filepath, icon.bytes);
        const [file] = await uploads().upload(
          {
            data: { fileInfo: { name: fileName, alternativeText: info.alternativeText, caption: null } },
            files: { filepath, originalFilename: fileName, mimetype: icon.type, size: icon.bytes.length },
          },
          { user: { id: userId } }
        );
        if (file === undefined) throw new Error('the upload service stored no file');
        return { id: Number(file.id), url: file.url, name: file.name, mime: file.mime, size: Number(file.size) };
      } finally {
        await fs.rm(folder, { recursive: true, force: true });
      }
    },
    async remove(fileId) {
      const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id: fileId } });
      if (file) await uploads().remove(file);
    },
    async assignLogo(documentId, fileId, locale) {
      const documents = strapi.documents(MERCHANT_OFFER_UID) as unknown as {
        update(params: unknown): Promise<unknown>;
      };
      await documents.update({ documentId, data: { logo: fileId }, ...(locale === undefined ? {} : { locale }) });
    },
  };
}
