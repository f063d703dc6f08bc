/** `weft fields`: keys for sensitive fields (server.sensitive_fields) and re-encryption after a key rotation. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { WeftEvent } from '../../event/model.js';
import { FieldCipher, FieldKeyError, loadFieldKeys } from '../../server/field-cipher.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';

export function registerFields(program: Command): void {
  const fields = program.command('fields').description('encryption of sensitive fields at rest (server.sensitive_fields)');
  fields.command('genkey')
    .description('print a new random field key (base64, 32 bytes): put it first in the key file to rotate')
    .action(() => {
      process.stdout.write(`${randomBytes(32).toString('base64')}\n`);
    });
  fields.command('rekey')
    .description('re-encrypt every stored sensitive value made with an older key under the current (first) key')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { dataDir?: string }, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      let cipher: FieldCipher;
      try {
        const keys = loadFieldKeys(ctx.config.server.field_key_file !== undefined ? { keyFile: ctx.config.server.field_key_file } : {});
        if (keys.length === 0) throw new FieldKeyError('no field key configured: set WEFT_FIELD_KEY or server.field_key_file');
        cipher = new FieldCipher(ctx.config.server.sensitive_fields, keys);
      } catch (err) {
        if (err instanceof FieldKeyError) throw new UsageError(err.message);
        throw err;
      }
      const store = await openStore(ctx.config);
      try {
        let after = 0;
        let examined = 0;
        let rewritten = 0;
        let values = 0;
        for (;;) {
          const page = await store.readEventLog(after, 5000);
          if (page.length === 0) break;
          const changed: WeftEvent[] = [];
          for (const { seq, event } of page) {
            after = seq;
            examined++;
            const n = cipher.rekeyEvent(event);
            if (n > 0) {
              values += n;
              changed.push(event);
            }
          }
          if (changed.length > 0) rewritten += await store.rewriteEvents(changed);
        }
        await store.appendAudit([{ actor: 'cli', action: 'fields.rekey', details: { key: cipher.currentKeyId, events: rewritten, values } }]);
        process.stdout.write(`examined ${examined} events; re-encrypted ${values} values in ${rewritten} events under key ${cipher.currentKeyId}\n`);
      } catch (err) {
        if (err instanceof FieldKeyError) throw new UsageError(err.message);
        throw err;
      } finally {
        await store.close();
      }
    });
  for (const c of [fields, ...fields.commands]) c.exitOverride();
}
