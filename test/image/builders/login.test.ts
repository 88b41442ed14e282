import { expect, it } from 'vitest';
import { loginArgs } from '../../../src/image/builders/login.js';

it.each<['docker' | 'buildah', boolean, string[]]>([
  ['docker', false, ['login', '--username', 'u', '--password-stdin', 'r.io']],
  ['docker', true, ['login', '--username', 'u', '--password-stdin', 'r.io']],
  ['buildah', true, ['login', '--tls-verify=false', '--username', 'u', '--password-stdin', 'r.io']],
])('%s login (insecure %s) reads the password from stdin', (builder, insecure, args) => {
  expect(loginArgs(builder, 'r.io', 'u', { insecure })).toEqual(args);
});
