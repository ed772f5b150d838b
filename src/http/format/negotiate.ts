import type { FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';

/** The media types Roster answers in, XML (Coupa's default) first. */
const OFFERED = ['application/xml', 'application/json', 'text/xml'];

/**
 * Clients send `application/json; charset=utf-8`; a media-range parameter would have to match
 * one of the offered types', so every parameter but the weight (`q`) is dropped first.
 */
const withoutParameters = (accept: string): string =>
  accept
    .split(',')
    .map((range) =>
      range
        .split(';')
        .filter((part, i) => i === 0 || /^\s*q\s*=/i.test(part))
        .join(';'),
    )
    .join(',');

/**
 * JSON or XML, as the client's `Accept` asks, honouring q-values (RFC 9110 §12.5.1, with the
 * `negotiator` package): `application/xml;q=1, application/json;q=0.1` is XML. An `Accept`
 * that names neither (absent, `*` + `/*`, `text/html`) leaves it to the format of the request
 * body, and to XML when there is none, as Coupa answers.
 */
/**
 * Whether a CSO client asks for XML over JSON: CSO answers JSON (doc 0462 has clients send
 * `Accept: application/json`), and XML only when `Accept` prefers it (seed 001: "validation
 * errors formatted as XML"), with q-values honoured as above.
 */
export function prefersXml(request: Pick<FastifyRequest, 'headers'>): boolean {
  const accept = request.headers.accept;
  if (accept === undefined || !/xml/i.test(accept)) return false;
  const best = new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(JSON_FIRST);
  return best !== undefined && best !== 'application/json';
}

const JSON_FIRST = ['application/json', 'application/xml', 'text/xml'];

/** `Accept` values seen → what they choose; a client sends the same one every time. */
const CHOSEN = new Map<string, 'json' | 'xml' | 'either'>();

/** What an `Accept` that names JSON or XML chooses; `either` when it accepts neither offered type. */
function chosenBy(accept: string): 'json' | 'xml' | 'either' {
  let chosen = CHOSEN.get(accept);
  if (chosen === undefined) {
    const best = new Negotiator({ headers: { accept: withoutParameters(accept) } }).mediaType(OFFERED);
    chosen = best === undefined ? 'either' : best === 'application/json' ? 'json' : 'xml';
    // Bounded: a client inventing a new header each time only recomputes.
    if (CHOSEN.size >= 256) CHOSEN.clear();
    CHOSEN.set(accept, chosen);
  }
  return chosen;
}

export function wantsJson(request: Pick<FastifyRequest, 'headers'>): boolean {
  const accept = request.headers.accept;
  if (accept !== undefined && /json|xml/i.test(accept)) {
    const chosen = chosenBy(accept);
    if (chosen !== 'either') return chosen === 'json';
  }
  return (request.headers['content-type'] ?? '').includes('json');
}
