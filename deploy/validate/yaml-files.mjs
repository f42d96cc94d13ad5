// Reads YAML strictly: a syntax error, a duplicate key or a YAML 1.1 merge key (`<<`, which parsers disagree on)
// fails the file instead of being silently resolved one way.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

export function readYamlDocuments(path) {
  const documents = parseAllDocuments(readFileSync(path, "utf8"), { uniqueKeys: true, merge: false });
  const problems = documents.flatMap((document) => [...document.errors, ...document.warnings]);
  if (problems.length > 0) {
    throw new Error(`${path}: ${problems.map((problem) => problem.message).join("; ")}`);
  }
  return documents.map((document) => document.toJS()).filter((value) => value !== null);
}

export function readYaml(path) {
  const documents = readYamlDocuments(path);
  if (documents.length !== 1) {
    throw new Error(`${path}: expected one YAML document, found ${documents.length}`);
  }
  return documents[0];
}
