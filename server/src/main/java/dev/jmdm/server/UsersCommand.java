package dev.jmdm.server;

import dev.jmdm.server.accounts.PasswordHasher;
import dev.jmdm.server.accounts.UserStore;
import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Role;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.storage.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mdm-server users create-admin --email EMAIL [store flags]}: an admin straight into the database, for the
 * first start without MDM_ADMIN_EMAIL or when every admin is locked out. The password comes from MDM_ADMIN_PASSWORD
 * or the first line of standard input (never a flag: it would show in the process list). The store is chosen by the
 * server's own flags and variables (MDM_STORAGE, MDM_DSN, MDM_DATA_DIR); an embedded store must not be open in a
 * running server.
 */
public final class UsersCommand {
    static final String USAGE = """
            usage: mdm-server users create-admin --email EMAIL [server flags that choose the store]
              the password is read from MDM_ADMIN_PASSWORD, or else from the first line of standard input""";

    private UsersCommand() {
    }

    /** Runs the command; the exit code: 0 created, 1 refused (the email is taken), 2 bad input. */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("create-admin")) {
            err.println(USAGE);
            return 2;
        }
        String email = null;
        List<String> serverFlags = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--email") && i + 1 < args.length) {
                email = args[++i];
            } else if (args[i].startsWith("--email=")) {
                email = args[i].substring("--email=".length());
            } else {
                serverFlags.add(args[i]);
            }
        }
        if (email == null || !AccountSettings.validEmail(UserStore.normalize(email))) {
            err.println("mdm-server users: --email needs an email address\n" + USAGE);
            return 2;
        }
        Map<String, String> serverEnv = new HashMap<>(env);
        String password = serverEnv.remove("MDM_ADMIN_PASSWORD");
        serverEnv.remove("MDM_ADMIN_EMAIL");
        try {
            if (password == null || password.isEmpty()) {
                password = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            }
        } catch (IOException e) {
            password = null;
        }
        Settings settings;
        try {
            settings = SettingsParser.parse(serverFlags.toArray(String[]::new), serverEnv);
        } catch (SettingsException e) {
            err.println("mdm-server: " + e.getMessage());
            return 2;
        }
        if (settings == null) {
            return 0;
        }
        int min = settings.accounts().passwordMinLength();
        if (password == null || password.length() < min || password.length() > AccountSettings.MAX_PASSWORD_LENGTH) {
            err.println("mdm-server users: the password (MDM_ADMIN_PASSWORD or standard input) must have " + min + " to "
                    + AccountSettings.MAX_PASSWORD_LENGTH + " characters");
            return 2;
        }
        try (Database database = StoreOpener.open(settings.storage(), settings.capacity(), new Metrics())) {
            UserStore users = new UserStore(database.jdbi(), Clock.systemUTC());
            UserStore.User user = users.create(email, Role.ADMIN, new PasswordHasher().hash(password));
            out.println("created admin " + user.email() + " (id " + user.id() + ")");
            return 0;
        } catch (HttpError e) {
            err.println("mdm-server users: " + e.getMessage());
            return 1;
        } catch (SettingsException e) {
            err.println("mdm-server: " + e.getMessage());
            return 2;
        }
    }
}
