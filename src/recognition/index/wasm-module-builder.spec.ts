import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedLeb128, unsignedLeb128 } from './wasm-module-builder.js';

void describe('LEB128 encoding', () => {
  void it('encodes unsigned values as in the DWARF / WebAssembly specification examples', () => {
    assert.deepEqual(unsignedLeb128(0), [0x00]);
    assert.deepEqual(unsignedLeb128(127), [0x7f]);
    assert.deepEqual(unsignedLeb128(128), [0x80, 0x01]);
    assert.deepEqual(unsignedLeb128(624485), [0xe5, 0x8e, 0x26]);
  });

  void it('encodes signed values with the sign in bit 6 of the last byte', () => {
    assert.deepEqual(signedLeb128(0), [0x00]);
    assert.deepEqual(signedLeb128(63), [0x3f]);
    assert.deepEqual(signedLeb128(64), [0xc0, 0x00]);
    assert.deepEqual(signedLeb128(-1), [0x7f]);
    assert.deepEqual(signedLeb128(-64), [0x40]);
    assert.deepEqual(signedLeb128(-65), [0xbf, 0x7f]);
    assert.deepEqual(signedLeb128(-123456), [0xc0, 0xbb, 0x78]);
  });
});
