import { describe, expect, it } from 'vitest';

import { matchDomainRoute, type DomainRoute } from '../../src/sandbox/routes/custom-domain-requests.js';

const route = (path: string): DomainRoute => ({ path, serviceName: 's', functionName: path });

describe('matchDomainRoute', () => {
  const routes = [route('/*'), route('/api/*'), route('/api/v1/*'), route('/login')];

  it('prefers an exact route, then the longest /* prefix', () => {
    const served = (path: string) => matchDomainRoute(routes, path)?.path;
    expect(served('/login')).toBe('/login');
    expect(served('/login/x')).toBe('/*');
    expect(served('/api/v1/users')).toBe('/api/v1/*');
    expect(served('/api/v2')).toBe('/api/*');
    expect(served('/api')).toBe('/api/*');
    expect(served('/')).toBe('/*');
  });

  it('finds nothing when no route covers the path', () => {
    expect(matchDomainRoute([route('/api/*'), route('/login')], '/other')).toBeUndefined();
    expect(matchDomainRoute([route('/api/*')], '/apiary')).toBeUndefined();
  });
});
