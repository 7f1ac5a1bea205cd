// Types of strapi-versions.js (plain JavaScript: it runs as a child process before Jest collects the install test).
export interface InstallTarget {
  strapi: string;
  createStrapiApp: string;
}
export const LOCKSTEP: string[];
export function chooseVersions(peerRange: string, published: Record<string, string[]>): InstallTarget[];
export function scaffolderFor(version: string, published: Record<string, string[]>): string;
export function resolveVersions(): Promise<{ peerRange: string; versions: InstallTarget[] }>;
