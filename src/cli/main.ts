#!/usr/bin/env node
// First: it sets V8 flags that must hold before the rest is loaded.
import './heap-tuning.js';
import { main } from './program.js';

// `weft hunt ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv);
