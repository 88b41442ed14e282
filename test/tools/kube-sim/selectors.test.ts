import { describe, expect, it } from 'vitest';
import {
  labelSelectorToString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../tools/kube-sim/selectors.js';

const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (web,api)', true],
    ['app in (api, db)', false],
    ['app notin (api,db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['example.com/team=a', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web,api),!missing,tier', true],
  ])('%j matches %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each([['app=web=x'], ['bad key=1'], ['-app=web'], ['app in (a b)']])(
    'rejects %j',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow();
    },
  );

  it.each([
    [{ matchLabels: { app: 'web', a: 'b' } }, 'a=b,app=web'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['b', 'a'] }] }, 'env in (a,b)'],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, '!env'],
    [undefined, ''],
  ])('structured selector %j prints as %j', (selector, text) => {
    expect(labelSelectorToString(selector)).toBe(text);
  });
});

describe('field selectors', () => {
  const event = {
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Deployment', name: 'web', uid: 'u1' },
    type: 'Normal',
  };
  it.each([
    ['metadata.name=web.1', true],
    ['metadata.name==web.1', true],
    ['metadata.name!=web.1', false],
    ['metadata.namespace=default,involvedObject.kind=Deployment', true],
    ['involvedObject.name=web,involvedObject.uid=u2', false],
    ['spec.nodeName=', true],
    ['type!=Warning', true],
  ])('%j matches %s', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector), event)).toBe(expected);
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/can't understand/);
  });
});
