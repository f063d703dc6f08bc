/**
 * Output gathered as UTF-8 bytes in pieces of about a fixed size. A command that prints a large
 * result as many small strings hands the stream one string per line, each encoded on its own;
 * joined into megabyte strings first, every character is copied once more before the encoding.
 * Here each text is encoded once, straight into the piece, and bytes that are UTF-8 already (JSON
 * read back from a spill file) are copied without a decode and a re-encode.
 */
import { writeUtf8 } from '../event/utf8-write.js';

export const PIECE_BYTES = 1 << 20;

export class BytePieces {
  private piece: Buffer;
  private used = 0;
  private readonly ready: Buffer[] = [];

  constructor(private readonly pieceBytes: number = PIECE_BYTES) {
    this.piece = Buffer.allocUnsafe(pieceBytes);
  }

  /** Pieces complete and not yet taken. */
  get readyCount(): number {
    return this.ready.length;
  }

  text(s: string): void {
    if (s === '') return;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: room for the worst case, or a new piece.
    const most = s.length * 3;
    if (this.used + most > this.pieceBytes) {
      this.close();
      if (most > this.pieceBytes) {
        this.ready.push(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += writeUtf8(this.piece, s, this.used);
  }

  /** `length` bytes that `fill` writes at `at` in `target` (and returns the count of). */
  bytes(length: number, fill: (target: Buffer, at: number) => number): void {
    if (length === 0) return;
    if (this.used + length > this.pieceBytes) {
      this.close();
      if (length > this.pieceBytes) {
        const own = Buffer.allocUnsafe(length);
        this.ready.push(own.subarray(0, fill(own, 0)));
        return;
      }
    }
    this.used += fill(this.piece, this.used);
  }

  /** The complete pieces, in order; the caller owns them (they are never written to again). */
  take(): Buffer[] {
    return this.ready.splice(0);
  }

  /** Every piece left, the partial last one included. */
  end(): Buffer[] {
    this.close();
    return this.take();
  }

  private close(): void {
    if (this.used === 0) return;
    this.ready.push(this.piece.subarray(0, this.used));
    // A new buffer, not the old one reused: the stream may still hold the piece just handed over.
    this.piece = Buffer.allocUnsafe(this.pieceBytes);
    this.used = 0;
  }
}
