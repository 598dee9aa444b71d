-- Runs once, when the PostgreSQL volume is first initialised (postgres image entrypoint).
-- POSTGRES_DB (sales: catalogue + leads) exists already; add the tracker store's database.
CREATE DATABASE rasa;
