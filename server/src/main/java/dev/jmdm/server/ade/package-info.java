/**
 * Automated Device Enrollment, the device's side (issue #15, docs/ade.md): Setup Assistant's signed MachineInfo on
 * {@code POST /mdm/enroll}, the enrollment profile whose SCEP challenge is bound to the device, and Await Device
 * Configured (setup steps, then DeviceConfigured). The Apple Business Manager side is {@code dep}.
 */
package dev.jmdm.server.ade;
