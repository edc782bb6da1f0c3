-- Local Supabase stand-in: what a Supabase database has and plain PostgreSQL lacks.
--
-- FOR LOCAL DEVELOPMENT AND TESTS ONLY. Never apply this to a Supabase project: Supabase
-- creates these objects itself (see docs/architecture.md, "Local clusters and tests"). The
-- guard below refuses to run where the database looks like real Supabase.
--
-- Run it as a superuser (the harness uses `supabase_admin`; on an ordinary cluster `postgres`
-- works too, see section 1) on the target database, before the migrations. Every statement is
-- idempotent: running it twice changes nothing.

-- 0. Guard: refuse to run against a real Supabase database.
do $guard$
begin
    if exists (select from pg_namespace where nspname = 'supabase_migrations')
       or to_regclass('auth.schema_migrations') is not null
       or exists (select from pg_roles where rolname in ('supabase_auth_admin', 'supabase_storage_admin'))
    then
        raise exception 'refusing to install the local Supabase stand-in: database "%" looks like a real Supabase database', current_database()
            using hint = 'The stand-in is for local PostgreSQL only. On Supabase, run "worker migrate" without --with-local-stand-in.';
    end if;
    if not (select rolsuper from pg_roles where rolname = current_user) then
        raise exception 'the local Supabase stand-in must be applied by a superuser (connected as "%")', current_user
            using hint = 'Give a superuser''s URL with --stand-in-url (e.g. postgres://postgres@localhost/<db> on an ordinary cluster).';
    end if;
end
$guard$;

-- 1. Roles, with the attributes they have on Supabase: postgres owns the database and bypasses
--    RLS without being a superuser; anon, authenticated and service_role are the API roles
--    that authenticator (PostgREST's login) switches to.
do $roles$
begin
    if not exists (select from pg_roles where rolname = 'postgres') then
        create role postgres login;
    end if;
    -- postgres is NOT a superuser on Supabase; it bypasses RLS and owns the database. On an
    -- ordinary local cluster postgres is often the superuser running this very script:
    -- demoting it would leave the cluster without its owner (and the next statement could no
    -- longer create a bypassrls role), so there it stays a superuser. Everything works, but
    -- what postgres may do is wider than on Supabase; `worker migrate` says so.
    if current_user = 'postgres' then
        alter role postgres with login createdb createrole replication bypassrls;
    else
        alter role postgres with login nosuperuser createdb createrole replication bypassrls;
    end if;

    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'service_role') then
        create role service_role nologin noinherit bypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit;
    end if;
end
$roles$;

alter role anon inherit;
alter role authenticated inherit;
alter role service_role inherit bypassrls;
alter role authenticator noinherit;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
alter role postgres set search_path = "$user", public, extensions;

-- The database and its public schema belong to postgres, as on Supabase.
do $owner$
begin
    execute format('alter database %I owner to postgres', current_database());
end
$owner$;
alter schema public owner to postgres;
grant usage on schema public to anon, authenticated, service_role;

-- 2. Extensions live in their own schema.
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

-- 3. auth: the users table and the JWT helpers PostgREST-era policies call.
create schema if not exists auth;
grant usage on schema auth to postgres, anon, authenticated, service_role;

create table if not exists auth.users (
    id uuid primary key default gen_random_uuid(),
    aud varchar(255),
    role varchar(255),
    email varchar(255),
    phone text,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_anonymous boolean not null default false,
    created_at timestamptz default now(),
    updated_at timestamptz default now()
);
comment on table auth.users is 'Local stand-in for Supabase Auth users (test double).';
grant all on auth.users to postgres;
grant select on auth.users to service_role;

-- auth.uid(): the JWT subject. Reads the JSON claims PostgREST >= 12 sets, then the legacy
-- per-claim setting; an empty value is NULL.
create or replace function auth.uid() returns uuid
    language sql stable
    set search_path = ''
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
    )::uuid
$$;

-- auth.role(): the JWT role claim (anon, authenticated, service_role).
create or replace function auth.role() returns text
    language sql stable
    set search_path = ''
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
    )::text
$$;

-- auth.email(): the JWT email claim.
create or replace function auth.email() returns text
    language sql stable
    set search_path = ''
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
    )::text
$$;

-- auth.jwt(): all claims as jsonb.
create or replace function auth.jwt() returns jsonb
    language sql stable
    set search_path = ''
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
    to postgres, anon, authenticated, service_role;

-- 4. realtime: the schema and the empty publication Supabase Realtime reads.
create schema if not exists realtime;
grant usage on schema realtime to postgres, anon, authenticated, service_role;

do $publication$
begin
    if not exists (select from pg_publication where pubname = 'supabase_realtime') then
        create publication supabase_realtime with (publish = 'insert, update, delete, truncate');
    end if;
end
$publication$;
-- On Supabase the project's postgres role manages membership of this publication.
alter publication supabase_realtime owner to postgres;

-- 5. No default privileges: since 2026-10-30 Supabase no longer auto-grants new public
-- tables, so the migrations carry explicit grants and the stand-in copies no default ACLs.

-- 6. storage: the parts of Supabase Storage's schema the migrations touch (test double).
-- On Supabase the Storage service creates these itself, owned by its own admin role; the
-- project's migrations only add a bucket row and policies on storage.objects. Supabase lets
-- postgres create policies on storage.objects through its supautils extension; here postgres
-- owns the two tables so the same CREATE POLICY statements run as postgres.
create schema if not exists storage;
grant usage on schema storage to postgres, anon, authenticated, service_role;

-- Buckets: a private bucket has public = false; file_size_limit is in bytes;
-- allowed_mime_types NULL means any type.
create table if not exists storage.buckets (
    id text primary key,
    name text not null,
    owner uuid,
    owner_id text,
    public boolean default false,
    avif_autodetection boolean default false,
    file_size_limit bigint,
    allowed_mime_types text[],
    created_at timestamptz default now(),
    updated_at timestamptz default now()
);
create unique index if not exists bname on storage.buckets (name);
comment on table storage.buckets is 'Local stand-in for Supabase Storage buckets (test double).';

-- Objects: one row per stored file. The Storage service inserts the row as the caller's role
-- (so the insert policies decide who may upload), with owner = the caller's auth.uid() and
-- metadata such as size and mimetype; name is the path inside the bucket.
create table if not exists storage.objects (
    id uuid primary key default gen_random_uuid(),
    bucket_id text references storage.buckets (id),
    name text,
    owner uuid,
    owner_id text,
    metadata jsonb,
    user_metadata jsonb,
    path_tokens text[] generated always as (string_to_array(name, '/')) stored,
    version text,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    last_accessed_at timestamptz default now()
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
comment on table storage.objects is 'Local stand-in for Supabase Storage objects (test double).';

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.buckets owner to postgres;
alter table storage.objects owner to postgres;

-- Supabase grants the API roles every privilege on both tables and lets policies decide.
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

-- storage.foldername('a/b/c.csv') = {a,b}: the folders of a path, as policies use it.
create or replace function storage.foldername(name text) returns text[]
    language sql immutable
as $$
    select (string_to_array(name, '/'))[1:cardinality(string_to_array(name, '/')) - 1]
$$;

-- storage.filename('a/b/c.csv') = 'c.csv'.
create or replace function storage.filename(name text) returns text
    language sql immutable
as $$
    select (string_to_array(name, '/'))[cardinality(string_to_array(name, '/'))]
$$;

-- storage.extension('a/b/c.csv') = 'csv'.
create or replace function storage.extension(name text) returns text
    language sql immutable
as $$
    select reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
    to postgres, anon, authenticated, service_role;

-- Supabase refuses a DELETE on the storage tables unless the session says it comes from the
-- Storage service (which removes the stored bytes too): files are deleted through the Storage
-- API, never with SQL.
create or replace function storage.protect_delete() returns trigger
    language plpgsql
as $$
begin
    if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
        raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
            using errcode = '42501';
    end if;
    return null;
end
$$;
drop trigger if exists protect_buckets_delete on storage.buckets;
create trigger protect_buckets_delete
    before delete on storage.buckets
    for each statement execute function storage.protect_delete();
drop trigger if exists protect_objects_delete on storage.objects;
create trigger protect_objects_delete
    before delete on storage.objects
    for each statement execute function storage.protect_delete();
