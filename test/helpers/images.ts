import { deflateSync } from 'node:zlib';

/** Images built from bytes, so the tests carry no binary fixtures. */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export interface PngOptions {
  readonly width?: number;
  readonly height?: number;
  /** RGBA of every pixel. */
  readonly rgba?: readonly [number, number, number, number];
  /** Bytes of a tEXt comment, to make a still-valid PNG of a chosen size. */
  readonly padding?: number;
}

/** A real, decodable RGBA PNG (signature, IHDR, zlib IDAT, IEND, correct CRCs). */
export function makePng({ width = 1, height = 1, rgba = [255, 0, 0, 255], padding = 0 }: PngOptions = {}): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgba).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunks = [pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw))];
  if (padding > 0) chunks.push(pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(padding, 0x61)])));
  return Buffer.concat([signature, ...chunks, pngChunk('IEND', Buffer.alloc(0))]);
}

/** The classic 1x1 white GIF89a: header, screen descriptor, 2-colour table, one image block, trailer. */
export function makeGif(): Buffer {
  return Buffer.from('474946383961010001008000000000' + '00ffffff' + '2c00000000010001000002024401003b', 'hex');
}

/** A JFIF JPEG marker stream: SOI, APP0 "JFIF" segment, EOI. */
export function makeJpeg(): Buffer {
  const app0 = Buffer.from('4a46494600' + '0101' + '00' + '0001' + '0001' + '0000', 'hex');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(app0.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), length, app0, Buffer.from([0xff, 0xd9])]);
}

export interface MultipartFile {
  readonly field?: string;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** A multipart/form-data body with one file part (field `file` unless told otherwise). */
export function multipartFile({ field = 'file', filename, contentType, data }: MultipartFile): {
  headers: Record<string, string>;
  payload: Buffer;
} {
  const boundary = '----RosterTestBoundary7MA4YWxkTrZu0gW';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat([head, data, tail]) };
}
