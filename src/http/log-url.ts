import { isSecretName, MASK } from './log-redaction.js';

/** A query's `name=value` pairs: after its start, `&` or `;`; a value runs to the next separator. */
const QUERY_PAIR = /(^|[&;])([^&;=]*)=[^&;]*/g;
/**
 * A path's `;` parameters (`/api/users;client_secret=…`): a value runs to the next `;` or the
 * end of the path, over any `/` (a secret may hold one; masking a later segment costs nothing).
 */
const PATH_PARAM = /(;)([^;/=]*)=[^;]*/g;

/** `text` with the value of every secret pair that `pairs` finds replaced by the mask. */
const maskPairs = (text: string, pairs: RegExp): string =>
  text.replace(pairs, (pair, sep: string, name: string) => (isSecretName(name) ? `${sep}${name}=${MASK}` : pair));

/**
 * The URL as it may be logged: the value of every secret parameter is replaced by
 * `[Redacted]`, in the query (after `&` or `;`) and among the path's `;` parameters, whatever
 * the spelling of its name (`%63lient_secret`, `access%5Ftoken`, `Client-Secret`).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const logged = path.includes(';') ? maskPairs(path, PATH_PARAM) : path;
  return q < 0 ? logged : `${logged}?${maskPairs(url.slice(q + 1), QUERY_PAIR)}`;
}
