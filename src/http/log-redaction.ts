/**
 * What the log never holds, whoever logs it and at whatever level: the value of every secret
 * header, body field and URL or form parameter, and credentials quoted in free text.
 *
 * It works on each finished log line (pino's `hooks.streamWrite`, set in app.ts), because only
 * there does everything a line holds meet: pino runs `formatters.log` before the serializers and
 * never on the message or a child logger's bindings (a child even resets `formatters.bindings`),
 * a child may replace the formatters, serializers and redaction paths it inherits, and
 * redaction paths have a fixed depth. The stream-write hook belongs to the root logger; no child
 * can change it. A line none of whose text could be a secret is returned untouched, so the
 * default `info` level pays one regular-expression test per line.
 */

/** What a masked value becomes (pino's own censor). */
export const MASK = '[Redacted]';

/**
 * Names whose value is a secret, after `normalizeName`: the credential headers, and the body
 * fields and URL parameters that carry client secrets, passwords, tokens and API keys.
 */
const SECRET_NAMES = new Set([
  'x_coupa_api_key',
  'x_cso_api_key',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'client_secret',
  'password',
  'access_token',
  'refresh_token',
  'api_key',
]);

/**
 * Any text that could hold a secret: a secret name in any case and with `-`, `_` or nothing
 * between its words, a `%` (an encoded name), an authorization scheme, credentials in a URL
 * (`//user:pass@`) or a serialized Buffer (Node's `rawPacket` of a malformed request). Whatever
 * the masks below would change matches it; a line that does not is left alone.
 */
const SUSPECT = /secret|token|api.?key|passw|authori|cookie|bearer|basic|%|\/\/[^\s/]*@|"Buffer"/i;

/** Percent-decoding that never throws: malformed escapes stay as they are; `+` is a space, as in forms. */
function decodeLoosely(text: string): string {
  let out = text.replaceAll('+', ' ');
  // Decode until stable (a few rounds at most), so `%2563lient_secret` is caught as well.
  for (let round = 0; round < 3; round++) {
    const next = out.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * A key or parameter name as compared with SECRET_NAMES: decoded, trimmed, camelCase split
 * (`clientSecret`, `XCoupaApiKey`: how JavaScript code names them), lower case, `-` as `_`,
 * and only its last part when nested (`user[password]`, `user.password` → `password`).
 */
function normalizeName(raw: string): string {
  const name = decodeLoosely(raw)
    .trim()
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('-', '_');
  return name.replace(/\]$/, '').replace(/^.*[[.]/, '');
}

/**
 * Whether a header, field or parameter of this name (in any spelling) holds a secret. Every
 * secret name matches SUSPECT, which answers most names far faster than decoding them.
 */
export const isSecretName = (raw: string): boolean => SUSPECT.test(raw) && SECRET_NAMES.has(normalizeName(raw));

/** `Bearer <token>` / `Basic <credentials>`, wherever they are quoted. */
const AUTH_SCHEME = /\b(bearer|basic)(\s+)[\w.~+/-]+=*/gi;
/** The password of credentials written into a URL: `redis://:pw@host`, `smtp://user:pw@host`. */
const URL_USERINFO = /(?<![a-z\d+.-])([a-z][a-z\d+.-]*:\/\/[^\s/:@]*:)[^\s/]+@/gi;
/**
 * A name followed by `=` or `:` (after an optional closing quote), as in `a=b`, `Name: value`,
 * `"name":`. Names start only where a run of name characters starts (the lookbehind), which
 * also keeps the scan linear on long runs with no separator.
 */
const NAME_THEN_SEPARATOR = /(?<![\w%+.[\]-])([\w%+.[\]-]+)(["']?\s*([=:])\s*)/g;

/**
 * Where the value that starts at `from` ends: at its closing quote if it is quoted; after `=`
 * (a URL, a form) at the next `&`, `;`, space or quote; after `:` (a header line) at the end of
 * the line.
 */
function valueEnd(text: string, from: number, separator: string): number {
  const open = text[from];
  if (open === '"' || open === "'") {
    for (let i = from + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === open) return i + 1;
    }
    return text.length;
  }
  const stop = separator === '=' ? /[\s&;"'<>]/g : /[\r\n]/g;
  stop.lastIndex = from;
  return stop.exec(text)?.index ?? text.length;
}

/**
 * Free text with every secret in it masked: the value after a secret name and `=` or `:` (a
 * URL's query or `;` parameters, a form body, a header line, a JSON fragment, in every
 * spelling of the name), the credentials after `Bearer` / `Basic`, a URL's password.
 */
export function maskText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  let out = '';
  let copied = 0;
  NAME_THEN_SEPARATOR.lastIndex = 0;
  for (let m = NAME_THEN_SEPARATOR.exec(text); m; m = NAME_THEN_SEPARATOR.exec(text)) {
    const [pair, name = '', separated = '', separator = ''] = m;
    // A pair that is not secret is stepped over name and separator only: its value may itself
    // begin a secret pair (`note: client_secret=…`).
    if (!isSecretName(name)) continue;
    const start = m.index + pair.length;
    const end = valueEnd(text, start, separator);
    if (end === start) continue;
    const quote = text[start] === '"' || text[start] === "'" ? text[start] : '';
    out += `${text.slice(copied, m.index)}${name}${separated}${quote}${MASK}${quote}`;
    copied = end;
    NAME_THEN_SEPARATOR.lastIndex = end;
  }
  out += text.slice(copied);
  return out.replace(AUTH_SCHEME, `$1$2${MASK}`).replace(URL_USERINFO, `$1${MASK}@`);
}

/** A JSON value, as a parsed log line holds it. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A parsed log value with its secrets masked, in place: the value of every key with a secret
 * name (whatever its depth, spelling or type), the value after a secret header name in a flat
 * name/value list (Node's `rawHeaders`), every string through maskText, and a serialized Buffer
 * (`{ type: 'Buffer', data: [bytes] }`, a malformed request's `rawPacket`) as masked text.
 */
function maskValue(value: Json): Json {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] ?? null;
      if (typeof item === 'string' && typeof value[i + 1] === 'string' && isSecretName(item)) {
        value[++i] = MASK;
      } else {
        value[i] = maskValue(item);
      }
    }
    return value;
  }
  if (!isObject(value)) return value;
  if (value['type'] === 'Buffer' && Array.isArray(value['data'])) {
    const bytes = value['data'].filter((b): b is number => typeof b === 'number');
    return maskText(Buffer.from(bytes).toString('latin1'));
  }
  for (const key of Object.keys(value)) {
    const item = value[key] ?? null;
    value[key] = isSecretName(key) && item !== null ? MASK : maskValue(item);
  }
  return value;
}

/**
 * One finished log line (pino's JSON, ending in a newline) with every secret masked: the
 * `hooks.streamWrite` of the app's logger. A line that is not JSON is masked as free text.
 */
export function maskLogLine(line: string): string {
  if (!SUSPECT.test(line)) return line;
  const body = line.trimEnd();
  const end = line.slice(body.length);
  try {
    return `${JSON.stringify(maskValue(JSON.parse(body) as Json))}${end}`;
  } catch {
    // Not JSON (a custom format), or nested past the stack: masked as text, never written as is.
    return maskText(line);
  }
}
