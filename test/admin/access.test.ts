import { describe, expect, it } from 'vitest';
import { createAdminGuard, isLoopback } from '../../src/admin/access.ts';
import { parseConfig, type Config } from '../../src/config.ts';

function config(env: Record<string, string>): Config {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

const request = (headers: Record<string, string> = {}) => new Request('http://gateway.example/_temperance/traces.json', { headers });

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost'])('%s is loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });
  it.each(['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', '2001:db8::1', '127.0.0.1.example.com', '', undefined])('%s is not', (address) => {
    expect(isLoopback(address)).toBe(false);
  });
});

describe('the admin guard', () => {
  it('without ADMIN_API_KEY admits loopback clients only', async () => {
    const guard = createAdminGuard(config({}));
    expect(await guard.check(request(), '127.0.0.1')).toBe('allowed');
    expect(await guard.check(request(), '203.0.113.9')).toBe('loopback_only');
    expect(await guard.check(request(), undefined)).toBe('loopback_only');
    // A header cannot stand in for the address.
    expect(await guard.check(request({ 'x-forwarded-for': '127.0.0.1' }), '203.0.113.9')).toBe('loopback_only');
  });

  it('with ADMIN_API_KEY needs the key from everyone, loopback included', async () => {
    const guard = createAdminGuard(config({ ADMIN_API_KEY: 'admin-key' }));
    expect(await guard.check(request(), '127.0.0.1')).toBe('needs_key');
    expect(await guard.check(request({ authorization: 'Bearer admin-key' }), '203.0.113.9')).toBe('allowed');
    expect(await guard.check(request({ authorization: 'Bearer admin-ke' }), '127.0.0.1')).toBe('needs_key');
    const cookie = await guard.cookieFor('admin-key');
    expect(cookie).toMatch(/^[0-9a-f]{64}$/);
    expect(await guard.cookieFor('wrong')).toBeUndefined();
    expect(await guard.check(request({ cookie: `other=1; temperance_admin=${cookie}` }), '203.0.113.9')).toBe('allowed');
    expect(await guard.check(request({ cookie: 'temperance_admin=admin-key' }), '203.0.113.9')).toBe('needs_key');
  });
});
