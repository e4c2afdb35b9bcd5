import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddedIpv4, hostKey, isPublicAddress, literalAddress } from './webhook-address.js';

describe('webhook addresses', () => {
  it('refuses loopback, private, link-local, unspecified, multicast and reserved IPv4 addresses', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.10',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('accepts public IPv4 addresses, including neighbours of the private ranges', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '172.15.255.255', '172.32.0.1', '11.0.0.1', '169.253.0.1']) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  it('refuses loopback, unspecified, unique-local, link-local and multicast IPv6 addresses', () => {
    for (const address of ['::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '[::1]']) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('judges IPv4-mapped and NAT64 IPv6 addresses by the IPv4 address they carry', () => {
    assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(embeddedIpv4('2001:db8::1'), null);
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1']) {
      assert.equal(isPublicAddress(address), false, address);
    }
    assert.equal(isPublicAddress('::ffff:8.8.8.8'), true);
    assert.equal(isPublicAddress('2606:4700:4700::1111'), true);
  });

  it('is false for what is not an IP address', () => {
    assert.equal(isPublicAddress('example.com'), false);
    assert.equal(isPublicAddress(''), false);
  });

  it('reads the literal address of a URL, however the URL spells it', () => {
    assert.equal(literalAddress(new URL('http://[::ffff:127.0.0.1]:8080/x')), '::ffff:7f00:1');
    assert.equal(literalAddress(new URL('http://2130706433/')), '127.0.0.1');
    assert.equal(literalAddress(new URL('http://0x7f.1/')), '127.0.0.1');
    assert.equal(literalAddress(new URL('https://hooks.example.com/')), null);
    assert.equal(hostKey(new URL('http://[::1]:9/')), '::1');
    assert.equal(hostKey(new URL('http://Hooks.Example.COM/')), 'hooks.example.com');
  });
});
