/**
 * An AccessKey id as it may be shown or logged: the first 4 and last 4 characters. The id is not a
 * secret, but a whole one in a log or screenshot is more than anyone needs to tell keys apart.
 */
export function maskKeyId(id: string): string {
  return id.length <= 8 ? '****' : `${id.slice(0, 4)}****${id.slice(-4)}`;
}
