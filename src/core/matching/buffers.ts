// Typed arrays whose memory a batch run hands back as soon as it is done with them. A plain
// typed array's memory is freed only when a full garbage collection finds it unreachable, and
// in a 100,000 × 100,000 link none comes between the end of comparing and the end of the run:
// the key index (~46 MB) and its scratch lists (~19 MB) stayed in the process's memory to the
// end, on top of everything deciding allocates. A resizable ArrayBuffer (ES2024, Node 20) can
// be shrunk to nothing at once, and grown in place without a copy beside the old array.
// Where the runtime has no resizable buffers (an older browser ignores the option) these are
// plain arrays, released by the collector as before.

interface Resizable extends ArrayBuffer {
  resize(byteLength: number): void;
  readonly maxByteLength: number;
  readonly resizable: boolean;
}

const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ArrayBuffer;

function isResizable(buffer: ArrayBufferLike): buffer is Resizable {
  return (buffer as Partial<Resizable>).resizable === true;
}

/** An Int32Array of `length` elements that can grow in place up to `maxLength` (see growInt32)
 *  and be released (see release). Its length follows its buffer's. */
export function releasableInt32(length: number, maxLength = length): Int32Array {
  return new Int32Array(new ResizableArrayBuffer(length * 4, { maxByteLength: Math.max(length, maxLength) * 4 }));
}

export function releasableUint8(length: number, maxLength = length): Uint8Array {
  return new Uint8Array(new ResizableArrayBuffer(length, { maxByteLength: Math.max(length, maxLength) }));
}

/** The array with room for `length` elements, its contents kept: the same array grown in
 *  place when its buffer allows, else a copy (and the old one released). */
export function growInt32(array: Int32Array, length: number): Int32Array {
  const buffer = array.buffer;
  if (isResizable(buffer) && length * 4 <= buffer.maxByteLength) {
    buffer.resize(length * 4);
    return array;
  }
  const next = releasableInt32(length, length * 2);
  next.set(array);
  release(array);
  return next;
}

/** Hands the array's memory back now; the array is empty afterwards. */
export function release(array: ArrayBufferView): void {
  const buffer = array.buffer;
  if (isResizable(buffer)) buffer.resize(0);
}
