// The service is its own small project: its lint rules travel with it into the demo's workspace.
import js from '@eslint/js';

export default [
  { ignores: ['coverage/**'] },
  js.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
    rules: { eqeqeq: ['error', 'always'] },
  },
];
