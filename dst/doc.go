// Package dst is a client for Danmarks Statistik's Statbank API
// (https://api.statbank.dk/v1): TABLEINFO for a table's
// variables and periods, and DATA in the streaming BULK format (or CSV),
// parsed row by row without holding the response in memory.
//
// The API's conventions, as documented by Danmarks Statistik:
//   - requests are POSTed as JSON: {table, format, lang, valuePresentation,
//     variables: [{code, values}]};
//   - BULK/CSV answers are ';'-separated with a header row of variable codes
//     and INDHOLD, start with a UTF-8 BOM, and use a decimal comma when
//     lang=da;
//   - a stored row whose value is missing, discretioned or too uncertain
//     carries ".." (Row.Suppressed), which is never read as zero;
//   - errors are HTTP 400 with {"errorTypeCode","message"}, e.g.
//     EXTRACT-NOTFOUND or REQUEST-LIMIT (over 1,000,000 cells in a
//     non-streaming format), mapped to *APIError.
//
// The client retries with exponential backoff on 5xx answers, timeouts,
// dropped connections and truncated bodies, and caches successful answers in
// Redis under helhed:dst:<sha256 of the request> for a TTL.
package dst
