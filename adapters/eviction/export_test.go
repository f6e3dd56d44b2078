package eviction

// TestRedisURL is the redis-server TestMain (main_test.go, package
// eviction_test) started; the unit tests use its database 1.
var TestRedisURL string
