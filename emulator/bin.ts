#!/usr/bin/env node
/**
 * The `agentmail-emulator` command of the published package (`npx agentmail-emulator`): the standalone
 * emulator of `cli.ts`, which prints the URL and the organization key and stops on Ctrl-C. A wrapper only, so
 * that the command and `npm run emulator` stay one program; the flags are `cli.ts`'s.
 */
import "./cli";
