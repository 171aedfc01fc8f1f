/** Text as a regular expression that matches exactly it (addresses, image references, package IDs in messages). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
