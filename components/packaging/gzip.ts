import { crc32 } from "./crc32";

/*
 * A gzip writer whose output depends on nothing but its input: the deflate
 * stream is made of STORED (uncompressed) blocks, so no zlib version or
 * compression level can change a byte, and the header has a zero mtime, no
 * file name and a fixed OS byte. Chaincode-as-a-service packages are a few
 * kilobytes, so not compressing costs nothing that matters. (RFC 1952, 1951.)
 */

/** Largest payload of one stored deflate block (LEN is 16 bits). */
const MAX_STORED_BLOCK = 0xffff;

const GZIP_HEADER = Buffer.from([
    0x1f,
    0x8b, // magic
    0x08, // compression method: deflate
    0x00, // flags: no name, comment, extra field or header CRC
    0x00,
    0x00,
    0x00,
    0x00, // mtime: none
    0x00, // extra flags
    0xff, // OS: unknown, so the bytes do not depend on the building machine
]);

/** Wraps data in a gzip member made of stored deflate blocks. */
export function gzipStored(data: Uint8Array): Buffer {
    const blockCount = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
    const out = Buffer.alloc(GZIP_HEADER.length + blockCount * 5 + data.length + 8);
    let at = GZIP_HEADER.copy(out, 0);
    for (let block = 0; block < blockCount; block++) {
        const start = block * MAX_STORED_BLOCK;
        const length = Math.min(MAX_STORED_BLOCK, data.length - start);
        // Block header byte: BFINAL in bit 0, BTYPE 00 (stored); the rest pads to the byte boundary.
        out[at++] = block === blockCount - 1 ? 0x01 : 0x00;
        at = out.writeUInt16LE(length, at);
        at = out.writeUInt16LE(~length & 0xffff, at);
        out.set(data.subarray(start, start + length), at);
        at += length;
    }
    at = out.writeUInt32LE(crc32(data), at);
    out.writeUInt32LE(data.length % 2 ** 32, at);
    return out;
}
