package docstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is a store in one PostgreSQL table, shared by every replica.
// The pool replaces connections a database restart broke, so a call
// while the database is down returns an error and the next one after it
// is back succeeds.
type Postgres struct {
	pool *pgxpool.Pool
}

// schema is applied at every start; it changes nothing that exists.
const schema = `CREATE TABLE IF NOT EXISTS helhed_documents (
	key          text PRIMARY KEY,
	body         bytea NOT NULL,
	content_type text NOT NULL,
	sha256       text NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now()
)`

// OpenPostgres connects to the database at dsn (postgres://…) and creates
// the documents table if missing. Errors leave the password out.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DOCUMENT_STORE: not a PostgreSQL URL (postgres://user:pass@host:5432/db)")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("document store %s: %w", redacted(dsn), err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("document store %s: create table: %w", redacted(dsn), err)
	}
	return &Postgres{pool: pool}, nil
}

// migrate applies the schema under a transaction-scoped advisory lock:
// two replicas starting at once would otherwise race in CREATE TABLE IF
// NOT EXISTS, which PostgreSQL does not make atomic.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('helhed_documents'))`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, schema)
		return err
	})
}

// redacted is dsn without its password, for errors.
func redacted(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Put implements Store: an insert that does nothing on an existing key,
// then a comparison of digests, so two replicas putting the same key race
// safely.
func (p *Postgres) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if contentType == "" {
		contentType = ContentType(key)
	}
	sum := digest(body)
	tag, err := p.pool.Exec(ctx, `INSERT INTO helhed_documents (key, body, content_type, sha256) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO NOTHING`, key, body, contentType, sum)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var old string
	if err := p.pool.QueryRow(ctx, `SELECT sha256 FROM helhed_documents WHERE key = $1`, key).Scan(&old); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if old != sum {
		return fmt.Errorf("put %s: %w", key, ErrConflict)
	}
	return nil
}

// Get implements Store.
func (p *Postgres) Get(ctx context.Context, key string) (Document, error) {
	d := Document{Info: Info{Key: key}}
	err := p.pool.QueryRow(ctx, `SELECT body, content_type, sha256, created_at FROM helhed_documents WHERE key = $1`, key).
		Scan(&d.Body, &d.ContentType, &d.SHA256, &d.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, fmt.Errorf("get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("get %s: %w", key, err)
	}
	d.Size = int64(len(d.Body))
	return d, nil
}

// List implements Store.
func (p *Postgres) List(ctx context.Context, prefix string) ([]Info, error) {
	rows, err := p.pool.Query(ctx, `SELECT key, content_type, octet_length(body), sha256, created_at FROM helhed_documents
		WHERE starts_with(key, $1) ORDER BY key COLLATE "C"`, prefix)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Info, error) {
		var i Info
		err := r.Scan(&i.Key, &i.ContentType, &i.Size, &i.SHA256, &i.Created)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	return out, nil
}

// Ping implements Store.
func (p *Postgres) Ping(ctx context.Context) error { return p.pool.Ping(ctx) }

// Close implements Store.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}
