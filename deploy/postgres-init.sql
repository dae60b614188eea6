-- One PostgreSQL for the compose setup: Camunda's secondary storage and shenhou's ledger
-- live in separate databases with separate owners.
CREATE USER camunda WITH PASSWORD 'camunda';
CREATE DATABASE camunda_secondary OWNER camunda;
CREATE USER shenhou WITH PASSWORD 'shenhou';
CREATE DATABASE shenhou OWNER shenhou;
