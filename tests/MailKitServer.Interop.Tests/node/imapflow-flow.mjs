// A modern client's flow with imapflow: list with status, open, search, fetch, flag, append, move.
import { ImapFlow } from 'imapflow';

const [port, user, pass] = process.argv.slice(2);
const client = new ImapFlow({ host: '127.0.0.1', port: Number(port), secure: false, auth: { user, pass }, logger: false, tls: { rejectUnauthorized: false } });
const check = (condition, what) => { if (!condition) { throw new Error('failed: ' + what); } };

await client.connect();
const list = await client.list({ statusQuery: { messages: true, unseen: true } });
check(list.some(m => m.path === 'INBOX'), 'INBOX listed');
check(list.some(m => m.specialUse === '\\Sent'), 'special-use Sent listed');
const inbox = list.find(m => m.path === 'INBOX');
check(inbox.status && inbox.status.messages === 2, 'LIST-STATUS messages: ' + JSON.stringify(inbox.status));

let lock = await client.getMailboxLock('INBOX');
try {
  check(client.mailbox.exists === 2, 'EXISTS 2');
  const uids = await client.search({ subject: 'flow' }, { uid: true });
  check(uids.length === 1, 'search by subject: ' + JSON.stringify(uids));
  const message = await client.fetchOne(uids[0], { envelope: true, source: true, bodyStructure: true, flags: true }, { uid: true });
  check(message.envelope.subject === 'imapflow test', 'envelope subject: ' + message.envelope.subject);
  check(message.source.toString().includes('hello from the flow'), 'source');
  await client.messageFlagsAdd({ uid: uids[0] }, ['\\Flagged', '$Important'], { uid: true });
  const flagged = await client.fetchOne(uids[0], { flags: true }, { uid: true });
  check(flagged.flags.has('\\Flagged') && flagged.flags.has('$Important'), 'flags: ' + [...flagged.flags]);
  await client.messageMove({ uid: uids[0] }, 'Archive', { uid: true });
} finally {
  lock.release();
}

const appended = await client.append('Drafts', 'Subject: draft from imapflow\r\n\r\nbody\r\n', ['\\Draft']);
check(appended.uid > 0, 'APPENDUID');
const archive = await client.status('Archive', { messages: true });
check(archive.messages === 1, 'moved to Archive');
await client.logout();
console.log('ok');
