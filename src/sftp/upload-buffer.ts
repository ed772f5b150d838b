/** The first allocation for an upload; it doubles as data arrives, up to the limit. */
const INITIAL_CAPACITY = 64 * 1024;

/**
 * The bytes of one upload, assembled in memory by offset: clients pipeline SSH_FXP_WRITE
 * requests (OpenSSH keeps up to 64 in flight) and may send them at any offset, so each lands
 * where it says, and a gap reads as zeros, as in a sparse file. Nothing may pass `limit` bytes.
 */
export class UploadBuffer {
  private buffer: Buffer;
  private end = 0;

  /** `initial`: the bytes the file starts with (an upload that resumes or appends), at most `limit`. */
  constructor(
    private readonly limit: number,
    initial?: Buffer,
  ) {
    this.buffer = Buffer.alloc(Math.min(limit, Math.max(INITIAL_CAPACITY, initial?.length ?? 0)));
    if (initial) {
      initial.copy(this.buffer, 0, 0, Math.min(initial.length, limit));
      this.end = Math.min(initial.length, limit);
    }
  }

  /** Bytes so far: one past the furthest byte written. */
  get length(): number {
    return this.end;
  }

  /** Whether `bytes` bytes at `offset` would pass the limit (then `write` must not be called). */
  exceeds(offset: number, bytes: number): boolean {
    return offset + bytes > this.limit;
  }

  /** Puts `data` at `offset`; the caller has checked `exceeds` first. */
  write(offset: number, data: Buffer): void {
    const needed = offset + data.length;
    this.reserve(needed);
    data.copy(this.buffer, offset);
    this.end = Math.max(this.end, needed);
  }

  /** Sets the length to `size` (SSH_FXP_FSETSTAT with a size): cut, or zeros added; the caller has checked `exceeds(size, 0)`. */
  resize(size: number): void {
    this.reserve(size);
    // Bytes cut off read as zeros if the file grows again, as after ftruncate(2).
    if (size < this.end) this.buffer.fill(0, size, this.end);
    this.end = size;
  }

  private reserve(needed: number): void {
    if (needed <= this.buffer.length) return;
    let capacity = Math.max(this.buffer.length, INITIAL_CAPACITY);
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.alloc(Math.min(capacity, this.limit));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }

  /** Up to `length` bytes from `offset` (empty past the end). */
  read(offset: number, length: number): Buffer {
    return Buffer.from(this.buffer.subarray(Math.min(offset, this.end), Math.min(offset + length, this.end)));
  }

  /** The assembled bytes, exactly `length` long (a view: the upload is done with once they are taken). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.end);
  }

  /** Lets the memory go: a refused upload keeps nothing. */
  discard(): void {
    this.buffer = Buffer.alloc(0);
    this.end = 0;
  }
}
