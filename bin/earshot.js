#!/usr/bin/env node
// The `earshot` command. TypeScript runs through tsx's loader so there is no build step and
// no stale output: `npm ci` is all it takes.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
