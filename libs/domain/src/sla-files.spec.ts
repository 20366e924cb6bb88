import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SLA_POLICY, parseSlaPolicy } from './sla';

// The policy files shipped in infra/sla/ must stay valid: operators start from them.
describe('shipped SLA policy files', () => {
  const load = (name: string) => parseSlaPolicy(JSON.parse(readFileSync(join(__dirname, '../../../infra/sla', name), 'utf8')));

  it('default.json is exactly the built-in default policy of DOMAIN.md', () => {
    expect(load('default.json')).toEqual(DEFAULT_SLA_POLICY);
  });

  it('demo-fast.json parses (minutes-scale clocks for demos)', () => {
    expect(load('demo-fast.json').version).toBe('demo-fast-1');
  });
});
