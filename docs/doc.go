// Package docs holds helhed's documentation beside the README (design.md:
// users, glossary, rules, workflows; interfaces.md: commands, settings,
// routes, the arrears file). Its test keeps every Markdown link in the
// repository inside it, pointing at files and headings that exist.
package docs
