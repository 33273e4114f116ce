/**
 * Spring Security for Triple/gRPC streams: who is calling, whether they may call a method, and a
 * stream that never outlives the credentials that opened it. Active when Spring Security is on the
 * class path.
 */
package dev.triplestream.security;
