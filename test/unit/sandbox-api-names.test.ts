// The 501 of a route the sandbox does not answer names the FC API; every route it answers has a name.
import { describe, expect, it } from 'vitest';

import { apiNameOf } from '../../src/sandbox/routes/api-names.js';
import { EXTRA_ROUTES } from '../../src/sandbox/routes/index.js';

describe('FC API names by method and path', () => {
  it('names APIs the sandbox does not implement', () => {
    expect(apiNameOf('GET', ['services', 's', 'functions', 'f', 'instances'])).toBe('ListInstances');
    expect(apiNameOf('PUT', ['layers', 'l', 'acl'])).toBe('PutLayerACL');
    expect(apiNameOf('GET', ['reservedCapacities'])).toBe('ListReservedCapacities');
    expect(apiNameOf('GET', ['proxy', 's', 'f', 'a', 'b'])).toBe('HTTP trigger');
    expect(apiNameOf('PATCH', ['services', 's'])).toBeUndefined();
    expect(apiNameOf('GET', ['services', ''])).toBeUndefined();
  });

  it('knows a name for every method of every route the sandbox answers', () => {
    for (const route of EXTRA_ROUTES) {
      const sample = route.pattern.map((part) => (part === ':' || part === '*' ? 'x' : part));
      for (const method of Object.keys(route.methods)) {
        expect(apiNameOf(method, sample), `${method} ${route.pattern.join('/')}`).toBeDefined();
      }
    }
  });
});
