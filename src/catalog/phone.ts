import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A phone number written as one string, split into Coupa's parts. Coupa's user import
 * documents `xxx-yyy-zzzz` for a domestic number and `+aa xxx-yyy-zzzz` for an international
 * one (0443-Users_Import.md), and clients add extensions (`+1 222-333-4444 ext. 12345`). The
 * number is read with libphonenumber-js, a number without `+` as a North American one (the
 * documented domestic form); the country code is the calling code, the area code the first
 * group of the number's international grouping, the number the other groups joined with `-`,
 * and the extension what follows `ext.`, `x` or `extension`. Text that is no phone number at
 * all is kept whole as the number, as before.
 *
 * Returns the parts by name (`country-code`, `area-code`, `number`, `extension`).
 */
export function splitPhone(text: string): ReadonlyMap<string, string | null> {
  const parsed = parsePhoneNumberFromString(text, 'US');
  if (!parsed) return new Map([['number', text]]);
  // `+44 20 7946 0958 ext. 12` → ['20', '7946', '0958'].
  const groups = parsed
    .formatInternational()
    .replace(/ ext\. .*$/, '')
    .split(' ')
    .slice(1);
  const [area, ...rest] = groups.length > 1 ? groups : [null, ...groups];
  return new Map([
    ['country-code', parsed.countryCallingCode],
    ['area-code', area ?? null],
    ['number', rest.join('-')],
    ['extension', parsed.ext ?? null],
  ]);
}

/**
 * A worker's phone number written as one string, split into the parts seed 004's sample
 * renders: `number` as dialled at home (national format, digits only: `022345678`),
 * `extension`, and `country-code` as the ISO 3166 region (`AL`), not the calling code. Only a
 * number in international form (`+355 22 345 678`) names its region; anything else is kept
 * whole as the number.
 */
export function splitRegionalPhone(text: string): ReadonlyMap<string, string | null> {
  const parsed = text.trimStart().startsWith('+') ? parsePhoneNumberFromString(text) : undefined;
  if (!parsed?.country) return new Map([['number', text]]);
  return new Map([
    [
      'number',
      parsed
        .formatNational()
        .replace(/ ext\. .*$/, '')
        .replace(/\D/g, ''),
    ],
    ['extension', parsed.ext ?? null],
    ['country-code', parsed.country],
  ]);
}
