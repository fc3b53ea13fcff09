namespace MailKitServer.Storage.PostgreSql.Schema;

/// <summary>
/// The schema, one script per version. A version once released is never edited: a change is a new script, so a
/// database made by any earlier version is brought up to date by running the scripts after its version in order.
/// </summary>
internal static class SchemaMigrations
{
    /// <summary>The scripts; index 0 makes version 1.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
    [
        // Version 1: accounts, mailboxes, messages with content stored once in chunks, expunge history, subscriptions.
        """
        CREATE TABLE mks_accounts (
            id bigserial PRIMARY KEY,
            user_id text NOT NULL UNIQUE,
            quota_bytes bigint,
            quota_messages bigint,
            used_bytes bigint NOT NULL DEFAULT 0,
            used_messages bigint NOT NULL DEFAULT 0);
        CREATE TABLE mks_mailboxes (
            id bigserial PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES mks_accounts ON DELETE CASCADE,
            name text NOT NULL,
            role smallint NOT NULL DEFAULT 0,
            uid_validity bigint NOT NULL,
            uid_next bigint NOT NULL DEFAULT 1,
            highest_modseq bigint NOT NULL DEFAULT 1,
            UNIQUE (account_id, name));
        CREATE TABLE mks_subscriptions (
            account_id bigint NOT NULL REFERENCES mks_accounts ON DELETE CASCADE,
            name text NOT NULL,
            PRIMARY KEY (account_id, name));
        CREATE TABLE mks_contents (
            id bigserial PRIMARY KEY,
            size bigint NOT NULL,
            chunk_size integer NOT NULL);
        CREATE TABLE mks_content_chunks (
            content_id bigint NOT NULL REFERENCES mks_contents ON DELETE CASCADE,
            seq integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (content_id, seq));
        ALTER TABLE mks_content_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        CREATE TABLE mks_messages (
            mailbox_id bigint NOT NULL REFERENCES mks_mailboxes ON DELETE CASCADE,
            uid bigint NOT NULL,
            modseq bigint NOT NULL,
            content_id bigint NOT NULL REFERENCES mks_contents,
            flags smallint NOT NULL,
            keywords text[] NOT NULL,
            internal_date timestamptz NOT NULL,
            size bigint NOT NULL,
            PRIMARY KEY (mailbox_id, uid));
        CREATE INDEX mks_messages_modseq ON mks_messages (mailbox_id, modseq);
        CREATE INDEX mks_messages_content ON mks_messages (content_id);
        CREATE TABLE mks_expunged (
            mailbox_id bigint NOT NULL REFERENCES mks_mailboxes ON DELETE CASCADE,
            uid bigint NOT NULL,
            modseq bigint NOT NULL,
            PRIMARY KEY (mailbox_id, uid));
        CREATE INDEX mks_expunged_modseq ON mks_expunged (mailbox_id, modseq);
        """,

        // Version 2: the user directory and the shared outbound queue.
        """
        CREATE TABLE mks_domains (
            name text PRIMARY KEY);
        CREATE TABLE mks_users (
            user_id text PRIMARY KEY,
            domain text NOT NULL REFERENCES mks_domains ON DELETE CASCADE,
            scram_salt bytea NOT NULL,
            scram_iterations integer NOT NULL,
            scram_stored_key bytea NOT NULL,
            scram_server_key bytea NOT NULL,
            cram_inner bytea,
            cram_outer bytea,
            quota_bytes bigint,
            quota_messages bigint,
            created bigserial);
        CREATE TABLE mks_aliases (
            address text PRIMARY KEY,
            domain text NOT NULL REFERENCES mks_domains ON DELETE CASCADE,
            targets text[] NOT NULL);
        CREATE TABLE mks_catch_all (
            domain text PRIMARY KEY REFERENCES mks_domains ON DELETE CASCADE,
            target text NOT NULL);
        CREATE TABLE mks_queue (
            id text PRIMARY KEY,
            entry jsonb NOT NULL,
            content_id bigint NOT NULL REFERENCES mks_contents,
            next_attempt_at timestamptz NOT NULL,
            lease_owner text,
            lease_until timestamptz);
        CREATE INDEX mks_queue_due ON mks_queue (next_attempt_at);
        """,

        // Version 3: users' Sieve scripts (at most one active per user), global scripts and vacation reply records,
        // for MailKitServer.Sieve.PostgreSql. The tables live in the one versioned schema so that one migration and
        // one advisory lock cover the database; they stay empty when Sieve is not used.
        """
        CREATE TABLE mks_sieve_scripts (
            user_id text NOT NULL,
            name text NOT NULL,
            content text NOT NULL,
            active boolean NOT NULL DEFAULT false,
            PRIMARY KEY (user_id, name));
        CREATE UNIQUE INDEX mks_sieve_scripts_active ON mks_sieve_scripts (user_id) WHERE active;
        CREATE TABLE mks_sieve_global_scripts (
            name text PRIMARY KEY,
            content text NOT NULL);
        CREATE TABLE mks_sieve_replies (
            user_id text NOT NULL,
            key text NOT NULL,
            sent_at timestamptz NOT NULL,
            PRIMARY KEY (user_id, key));
        """,

        // Version 4: greylisting records (MailKitServer.Smtp's IGreylistStore), shared by every node.
        """
        CREATE TABLE mks_greylist (
            key text PRIMARY KEY,
            first_seen timestamptz NOT NULL,
            last_seen timestamptz NOT NULL,
            passes integer NOT NULL,
            expires timestamptz NOT NULL);
        CREATE INDEX mks_greylist_expires ON mks_greylist (expires);
        """,
    ];

    /// <summary>The version the scripts make.</summary>
    public static int Latest => Scripts.Count;
}
