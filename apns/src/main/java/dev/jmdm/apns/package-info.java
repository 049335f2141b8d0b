/**
 * APNs MDM wakeups: loading push certificates, sending {"mdm": PushMagic} through Pushy, and classifying Apple's answers.
 * Entry points: {@link dev.jmdm.apns.PushCertificate} to read an upload, {@link dev.jmdm.apns.PushSender} to push.
 */
package dev.jmdm.apns;
