/**
 * The one hardened reader of untrusted property lists (device messages, command answers, profile uploads):
 * binary or UTF-8 XML, Apple's plist DOCTYPE and no other declarations, nothing ever fetched or expanded.
 */
package dev.jmdm.plist;
