package dev.jmdm.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.Profiles;
import dev.jmdm.sim.SimulatedDevice;
import dev.jmdm.sim.demo.DemoFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in headless Chromium (Debian's chromium and chromedriver, driven by Selenium with both paths given, so
 * Selenium Manager never looks for or downloads a driver) against the demo fleet: sign in, find a host by serial, lock
 * it and read the PIN, upload a profile, target a group and watch the rollout reach verified live, refuse a request
 * without the CSRF token, and a viewer who cannot act. Every page is saved as a screenshot in
 * {@code target/console-screenshots/}. Skipped without chromium unless {@code MDM_TEST_REQUIRE_BROWSER=true} (CI).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(30);

    private DemoFleet fleet;
    private String base;
    private WebDriver driver;
    private WebDriverWait wait;
    private Path profileDir;

    @BeforeAll
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("MDM_TEST_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("MDM_TEST_REQUIRE_BROWSER=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing "
                    + "(apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed");
        fleet = ConsoleFleet.get();
        base = fleet.server.baseUri().toString();
        Files.createDirectories(SHOTS);
        profileDir = Files.createTempDirectory("jmdm-chromium");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1360,1000",
                "--user-data-dir=" + profileDir);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // Pages re-render on live events: an element read between two renders is stale, and the next poll reads the new one.
        wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (profileDir != null) {
            DemoFleet.deleteTree(profileDir);
        }
    }

    private void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    private void open(String hash, String heading) {
        driver.get(base + "/ui/#/" + hash);
        waitForHeading(heading);
    }

    private void waitForHeading(String heading) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), heading));
    }

    private void signIn(String email, String password) {
        driver.get(base + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-email")));
        driver.findElement(By.id("signin-email")).sendKeys(email);
        driver.findElement(By.id("signin-password")).sendKeys(password);
        driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
        waitForHeading("Dashboard");
    }

    private void signOut() {
        driver.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-email")));
    }

    /** Runs fetch in the page (the browser's own cookie) and answers the HTTP status. */
    private long fetchStatus(String method, String path, String body, boolean withCsrf) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                const [method, path, body, withCsrf, done] = arguments;
                const headers = {'Content-Type': 'application/json'};
                if (withCsrf) headers['X-CSRF-Token'] = sessionStorage.getItem('jmdm.csrf');
                fetch(path, {method, body, headers, credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));
                """, method, path, body, withCsrf);
        return (Long) status;
    }

    private SimulatedDevice aMac() {
        return fleet.devices.stream().filter(d -> d.facts().platform() == DeviceFacts.Platform.MACOS).findFirst().orElseThrow();
    }

    private long hostId(SimulatedDevice d) {
        return fleet.admin.send("GET", "/v1/hosts/" + d.udid(), null).json().get("id").asLong();
    }

    /** The confirmation dialog's button. */
    private void confirm() {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("dialog.confirm button[type=submit]"))).click();
    }

    @Test
    @Order(1)
    void signInShowsTheFleet() throws Exception {
        driver.get(base + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-email")));
        shot("signin");
        driver.findElement(By.id("signin-email")).sendKeys(ConsoleFleet.ADMIN_EMAIL);
        driver.findElement(By.id("signin-password")).sendKeys("not the password");
        driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "Wrong email or password"));

        signIn(ConsoleFleet.ADMIN_EMAIL, ConsoleFleet.ADMIN_PASSWORD);
        WebElement hosts = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".tile .value")));
        assertThat(hosts.getText()).isEqualTo(String.valueOf(fleet.devices.size()));
        assertThat(driver.findElement(By.id("who")).getText()).contains(ConsoleFleet.ADMIN_EMAIL, "admin");
        shot("dashboard");
    }

    @Test
    @Order(2)
    void findAHostBySerialAndLockItShowingThePin() throws Exception {
        SimulatedDevice mac = aMac();
        open("hosts", "Hosts");
        shot("hosts");
        WebElement search = driver.findElement(By.cssSelector("form.filters input[name=q]"));
        search.sendKeys(mac.facts().serialNumber().toLowerCase());
        search.submit();
        wait.until(d -> d.findElements(By.cssSelector("#host-results tbody tr")).size() == 1
                && d.findElement(By.id("host-results")).getText().contains(mac.facts().serialNumber()));
        driver.findElement(By.cssSelector("#host-results tbody tr a")).click();
        waitForHeading(mac.facts().deviceName());

        WebElement lock = driver.findElements(By.cssSelector(".actions button")).stream().filter(b -> b.getText().equals("Lock")).findFirst()
                .orElseThrow();
        lock.click();
        confirm();
        WebElement pin = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#pin .pin-value")));
        assertThat(pin.getText()).matches("\\d{6}");
        JsonNode pins = fleet.admin.send("GET", "/v1/hosts/" + hostId(mac) + "/pins", null).json().get("pins");
        assertThat(pins.findValuesAsText("pin")).contains(pin.getText());
        // The device answers the lock; the history on the page follows without a reload. The answer needs a push
        // and a poll of a simulated device, which a loaded CI machine has been seen to take over 30 s for.
        new WebDriverWait(driver, WAIT.multipliedBy(3)).until(d -> d.findElement(By.cssSelector("#view")).getText().contains("DeviceLock"));
        shot("host");
    }

    @Test
    @Order(3)
    void aProfileTargetedAtAGroupRollsOutToVerifiedLive() throws Exception {
        List<SimulatedDevice> members = fleet.devices.subList(0, 2);
        String group = "console-" + UUID.randomUUID().toString().substring(0, 8);
        open("groups", "Groups");
        driver.findElement(By.cssSelector("form.inline input[name=name]")).sendKeys(group);
        driver.findElement(By.cssSelector("form.inline input[name=hosts]"))
                .sendKeys(members.get(0).facts().serialNumber() + ", " + members.get(1).facts().serialNumber());
        driver.findElement(By.cssSelector("form.inline button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("view")).getText().contains(group));
        shot("groups");

        String identifier = "dev.jmdm.console.test." + UUID.randomUUID();
        Path file = Files.createTempFile("console", ".mobileconfig");
        Files.write(file, Profiles.withOnePayload(identifier, UUID.randomUUID().toString().toUpperCase(), "Console dock", "com.apple.dock", 48));
        open("profiles", "Profiles");
        driver.findElement(By.cssSelector("input[type=file]")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.cssSelector("form.inline button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("targets")));
        Files.delete(file);

        WebElement label = driver.findElement(By.xpath("//label[text()='Include " + group + "']"));
        WebElement include = driver.findElement(By.id(label.getAttribute("for")));
        include.click();
        driver.findElement(By.cssSelector("#targets button[type=submit]")).click();
        // Verified arrives through the event stream: the page is never reloaded here.
        wait.until(d -> "2".equals(d.findElement(By.cssSelector("#rollout-chart [data-status=verified] strong")).getText()));
        assertThat(driver.findElement(By.cssSelector("#rollout-chart [data-status=failed] strong")).getText()).isEqualTo("0");
        for (SimulatedDevice d : members) {
            assertThat(d.state().profiles()).containsKey(identifier);
        }
        shot("profile");
        open("profiles", "Profiles");
        shot("profiles");
    }

    @Test
    @Order(4)
    void aChangeWithoutTheCsrfTokenIsRefused() {
        open("dashboard", "Dashboard");
        String body = "{\"hosts\": []}";
        assertThat(fetchStatus("PUT", "/v1/groups/csrf-probe", body, false)).isEqualTo(403);
        assertThat(fleet.admin.send("GET", "/v1/groups/csrf-probe", null).status()).isEqualTo(404);
        // The same request with the token passes: the token is what was missing.
        assertThat(fetchStatus("PUT", "/v1/groups/csrf-probe", body, true)).isEqualTo(200);
    }

    @Test
    @Order(5)
    void everyOtherPageRenders() throws Exception {
        open("enrollment", "Enrollment");
        driver.findElement(By.cssSelector("form.inline input[name=note]")).sendKeys("front desk iPads");
        driver.findElement(By.cssSelector("form.inline button[type=submit]")).click();
        WebElement qr = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("img.qr")));
        assertThat(qr.getAttribute("src")).startsWith("data:image/svg+xml;base64,");
        assertThat(((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", qr)).intValue()).isPositive();
        // The new link is listed at once, without reloading the page.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("enrollment-links"), "front desk iPads"));
        shot("enrollment");
        for (var page : Map.of("policies", "Policies", "commands", "Commands", "pushcert", "Push certificate", "audit", "Audit log",
                "users", "Users").entrySet()) {
            open(page.getKey(), page.getValue());
            assertThat(driver.findElements(By.cssSelector("#view .error"))).as(page.getKey()).isEmpty();
            shot(page.getKey());
        }
    }

    /** Every page of the navigation, and a host's and a profile's page. */
    private Map<String, String> allPages() {
        Map<String, String> pages = new java.util.LinkedHashMap<>();
        for (String p : List.of("dashboard:Dashboard", "hosts:Hosts", "profiles:Profiles", "groups:Groups", "policies:Policies",
                "commands:Commands", "enrollment:Enrollment", "pushcert:Push certificate", "audit:Audit log", "users:Users",
                "account:Your account")) {
            pages.put(p.substring(0, p.indexOf(':')), p.substring(p.indexOf(':') + 1));
        }
        SimulatedDevice mac = aMac();
        pages.put("hosts/" + hostId(mac), mac.facts().deviceName());
        JsonNode profiles = fleet.admin.send("GET", "/v1/profiles", null).json().get("profiles");
        if (!profiles.isEmpty()) {
            JsonNode p = profiles.get(0);
            pages.put("profiles/" + p.get("identifier").asText(), p.path("display_name").asText(p.get("identifier").asText()));
        }
        return pages;
    }

    /**
     * On every page: each form control has a label; nothing is clickable that the keyboard cannot reach (links have an
     * href, no positive or negative tabindex on controls); and walking the page with Tab reaches every enabled, visible
     * control of the view (not what a closed {@code <details>} hides), each showing a visible focus outline.
     */
    @Test
    @Order(7)
    void everyPageIsLabelledAndOperableByKeyboardWithVisibleFocus() {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        for (var page : allPages().entrySet()) {
            open(page.getKey(), page.getValue());
            Object unlabelled = js.executeScript(
                    "return [...document.querySelectorAll('#view input, #view select, #view textarea')]"
                            + ".filter(e => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)");
            assertThat((List<?>) unlabelled).as(page.getKey() + ": controls without a label").isEmpty();
            Object unreachable = js.executeScript(
                    "return [...document.querySelectorAll('#view a:not([href]), #view [onclick], #view [tabindex]:not([tabindex=\"0\"])')]"
                            + ".map(e => e.outerHTML.slice(0, 200))");
            assertThat((List<?>) unreachable).as(page.getKey() + ": not reachable by keyboard").isEmpty();
            @SuppressWarnings("unchecked")
            List<String> walk = (List<String>) js.executeScript("""
                    window.__tabbed = new Set();
                    const all = [...document.querySelectorAll('#view a[href], #view button, #view input, #view select, #view textarea, #view summary, #view [tabindex="0"]')]
                      .filter(e => !e.disabled && e.checkVisibility());
                    all.forEach((e, i) => e.dataset.kbd = i);
                    document.getElementById('main').focus();
                    return all.map(e => e.dataset.kbd);""");
            java.util.Set<String> seen = new java.util.HashSet<>();
            List<String> noOutline = new java.util.ArrayList<>();
            org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(driver);
            for (int i = 0; i < walk.size() + 40 && !seen.containsAll(walk); i++) {
                keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
                @SuppressWarnings("unchecked")
                List<String> focused = (List<String>) js.executeScript("""
                        const e = document.activeElement;
                        const s = getComputedStyle(e);
                        return [e.dataset.kbd || '', s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? 'visible' : e.outerHTML.slice(0, 120)];""");
                if (!focused.get(0).isEmpty()) {
                    seen.add(focused.get(0));
                    if (!focused.get(1).equals("visible")) {
                        noOutline.add(focused.get(1));
                    }
                }
            }
            // A live event may re-render part of the page meanwhile (a host's command history): what it replaced is gone.
            @SuppressWarnings("unchecked")
            List<String> stillThere = (List<String>) js.executeScript("return [...document.querySelectorAll('#view [data-kbd]')].map(e => e.dataset.kbd)");
            assertThat(seen).as(page.getKey() + ": every control reached by Tab").containsAll(stillThere);
            assertThat(noOutline).as(page.getKey() + ": focus visible").isEmpty();
        }
    }

    /** The users page: a role changed and a user deleted in the browser; the last admin is refused with the reason. */
    @Test
    @Order(8)
    void anAdminChangesARoleAndDeletesAUserButNotTheLastAdmin() throws Exception {
        String email = "operator-" + UUID.randomUUID().toString().substring(0, 8) + "@console.test";
        assertThat(fetchStatusOf("POST", "/v1/users", "{\"email\":\"" + email + "\",\"password\":\"operator-password-123\",\"role\":\"operator\"}"))
                .isEqualTo(201);
        open("users", "Users");
        WebElement row = driver.findElement(By.xpath("//tr[td[text()='" + email + "']]"));
        new org.openqa.selenium.support.ui.Select(row.findElement(By.cssSelector("select"))).selectByValue("viewer");
        row.findElement(By.xpath(".//button[text()='Save role']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Role: done"));
        assertThat(userNamed(email).get("role").asText()).isEqualTo("viewer");

        WebElement admin = driver.findElement(By.xpath("//tr[td[text()='" + ConsoleFleet.ADMIN_EMAIL + "']]"));
        new org.openqa.selenium.support.ui.Select(admin.findElement(By.cssSelector("select"))).selectByValue("operator");
        admin.findElement(By.xpath(".//button[text()='Save role']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "last admin"));
        assertThat(userNamed(ConsoleFleet.ADMIN_EMAIL).get("role").asText()).isEqualTo("admin");
        shot("users-last-admin");
        admin.findElement(By.xpath(".//button[text()='Delete']")).click();
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "last admin"));

        open("users", "Users");
        driver.findElement(By.xpath("//tr[td[text()='" + email + "']]//button[text()='Delete']")).click();
        confirm();
        wait.until(d -> d.findElements(By.xpath("//tr[td[text()='" + email + "']]")).isEmpty()
                && !d.findElements(By.cssSelector("#view h1")).isEmpty());
        assertThat(userNamed(email)).isNull();
    }

    /** Your account: a user changes its own password with the current one, and signs in with the new one. */
    @Test
    @Order(9)
    void aUserChangesItsOwnPasswordInTheConsole() throws Exception {
        String email = "self-" + UUID.randomUUID().toString().substring(0, 8) + "@console.test";
        String old = "self-password-12345";
        String next = "self-password-67890";
        assertThat(fetchStatusOf("POST", "/v1/users", "{\"email\":\"" + email + "\",\"password\":\"" + old + "\",\"role\":\"viewer\"}"))
                .isEqualTo(201);
        signOut();
        signIn(email, old);
        open("account", "Your account");
        driver.findElement(By.name("current_password")).sendKeys("not the password");
        driver.findElement(By.name("new_password")).sendKeys(next);
        driver.findElement(By.name("new_password_again")).sendKeys(next);
        driver.findElement(By.cssSelector("#password-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "current password is wrong"));
        driver.findElement(By.name("current_password")).clear();
        driver.findElement(By.name("current_password")).sendKeys(old);
        // submitted from the keyboard
        driver.findElement(By.name("new_password_again")).sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("password-status"), "Password changed"));
        shot("account");
        signOut();
        signIn(email, next);
        signOut();
        signIn(ConsoleFleet.ADMIN_EMAIL, ConsoleFleet.ADMIN_PASSWORD);
    }

    private JsonNode userNamed(String email) {
        for (JsonNode u : fleet.admin.send("GET", "/v1/users", null).json().get("users")) {
            if (u.get("email").asText().equals(email)) {
                return u;
            }
        }
        return null;
    }

    @Test
    @Order(6)
    void aViewerSeesButCannotAct() throws Exception {
        String email = "viewer-" + UUID.randomUUID().toString().substring(0, 8) + "@console.test";
        String password = "viewer-password-12345";
        long created = fetchStatusOf("POST", "/v1/users", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"role\":\"viewer\"}");
        assertThat(created).isBetween(200L, 201L);
        signOut();
        signIn(email, password);
        assertThat(driver.findElement(By.id("nav")).getText()).doesNotContain("Users");
        SimulatedDevice mac = aMac();
        open("hosts/" + hostId(mac), mac.facts().deviceName());
        List<WebElement> actions = driver.findElements(By.cssSelector(".actions button"));
        assertThat(actions).isNotEmpty().allSatisfy(b -> assertThat(b.isEnabled()).as(b.getText()).isFalse());
        shot("host-viewer");
        // The API refuses too, with a valid session and CSRF token: the role is enforced on the server, not by the page.
        assertThat(fetchStatus("POST", "/v1/hosts/" + hostId(mac) + "/lock", "{}", true)).isEqualTo(403);
        signOut();
        signIn(ConsoleFleet.ADMIN_EMAIL, ConsoleFleet.ADMIN_PASSWORD);
    }

    private long fetchStatusOf(String method, String path, String body) {
        return fetchStatus(method, path, body, true);
    }
}
