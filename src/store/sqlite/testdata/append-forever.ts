// Child process for the kill-mid-batch test: appends batches until killed, printing after each commit.
import { SqliteStore } from '../sqlite-store.js';
import { makeEvent } from '../../testdata/events.js';

const [path, size] = process.argv.slice(2);
const store = new SqliteStore({ path: path as string, synchronous: 'normal' });
const batch = Number(size);
for (let b = 0; ; b++) {
  const events = Array.from({ length: batch }, (_, i) => makeEvent(b * batch + i));
  await store.appendEvents(events);
  process.stdout.write('committed\n');
}
