// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, and the rules of
// hooks for the wizard. Formatting is Prettier's job (npm run lint runs both).
//
// eslint-plugin-react-hooks 7's `recommended` set also holds the React Compiler's rules (refs read
// during render, setState in an effect, ...). fcw does not use the compiler, and its text field
// reads a ref during render on purpose (keys of one chunk arrive before React re-renders), so the
// two rules of hooks proper are on: rules-of-hooks and exhaustive-deps.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.bench/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // Unused names are type errors already (noUnusedLocals, noUnusedParameters); a leading `_`
      // marks one kept on purpose (a destructured field left out, a callback's unused argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The sandbox's Node.js runtime host: a plain CommonJS script run by node, outside the bundle.
    files: ['**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
