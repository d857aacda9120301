import { PasswordHasher, parseHash } from './password.hasher';

describe('PasswordHasher (scrypt)', () => {
  const hasher = new PasswordHasher();

  it('writes scrypt$15$8$1$<salt>$<hash> with a 16-byte salt and a 32-byte key, salted differently each time', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
    expect(first).not.toBe(second);
    const parsed = parseHash(first);
    expect(parsed?.salt).toHaveLength(16);
    expect(parsed?.key).toHaveLength(32);
    expect(first).not.toContain('correct');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery');
    await expect(hasher.verify('correct horse battery', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterY', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('refuses a tampered hash: a changed key, a changed salt, a changed cost, garbage', async () => {
    const stored = await hasher.hash('s3cret-password');
    const parts = stored.split('$');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return bytes.toString('base64');
    };
    const withKey = [...parts.slice(0, 5), flip(parts[5] ?? '')].join('$');
    const withSalt = [...parts.slice(0, 4), flip(parts[4] ?? ''), parts[5]].join('$');
    const withCost = ['scrypt', '14', ...parts.slice(2)].join('$');
    await expect(hasher.verify('s3cret-password', withKey)).resolves.toBe(false);
    await expect(hasher.verify('s3cret-password', withSalt)).resolves.toBe(false);
    await expect(hasher.verify('s3cret-password', withCost)).resolves.toBe(false);
    await expect(hasher.verify('s3cret-password', 'plain-text')).resolves.toBe(false);
    await expect(hasher.verify('s3cret-password', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==')).resolves.toBe(false);
  });

  it('checks each hash with its own cost, so a cheaper or dearer cost still verifies', async () => {
    const cheap = new PasswordHasher({ log2N: 12, r: 8, p: 1 });
    const stored = await cheap.hash('legacy-password');
    expect(stored.startsWith('scrypt$12$8$1$')).toBe(true);
    await expect(hasher.verify('legacy-password', stored)).resolves.toBe(true);
  });
});
