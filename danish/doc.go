// Package danish is helhed's one toolkit for Danish text as users write and
// read it: dates ("fredag den 4. december 2026", typed "04-12-2026"),
// numbers and money ("12.345,50", "1.234,00-", "12 345,50 kr."), CPR-like
// values (one rule, and their redaction) and the CSV front end every upload
// goes through (encoding, Excel's "sep=;" line, separator sniffing, header
// names, records with line numbers).
//
// It is deterministic and pure: no I/O, no clock, no network, so workflow
// code may call it. Messages meant for a user are Danish; callers that have
// their own wording use the kind of error rather than its text.
package danish
