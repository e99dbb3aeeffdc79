"""Source of the core's UI translations; `python translations.py` writes them into the .po files.

Kept as a table so that a translator sees every language of a string side by side.
Columns: German, Arabic, Ukrainian, Turkish (English is the source text).
"""

T = {
    "Accounts": ("Konten", "الحسابات", "Облікові записи", "Hesaplar"),
    "First name": ("Vorname", "الاسم الأول", "Ім'я", "Ad"),
    "Last name": ("Nachname", "اسم العائلة", "Прізвище", "Soyad"),
    "Preferred language": (
        "Bevorzugte Sprache",
        "اللغة المفضلة",
        "Бажана мова",
        "Tercih edilen dil",
    ),
    "Your password": ("Ihr Passwort", "كلمة المرور الخاصة بك", "Ваш пароль", "Şifreniz"),
    "I understand that my account and my personal data will be deleted for good.": (
        "Ich verstehe, dass mein Konto und meine persönlichen Daten endgültig gelöscht werden.",
        "أفهم أن حسابي وبياناتي الشخصية سيتم حذفها نهائيًا.",
        "Я розумію, що мій обліковий запис і мої персональні дані буде видалено назавжди.",
        "Hesabımın ve kişisel verilerimin kalıcı olarak silineceğini anlıyorum.",
    ),
    "That password is not correct.": (
        "Das Passwort ist nicht richtig.",
        "كلمة المرور هذه غير صحيحة.",
        "Пароль неправильний.",
        "Bu şifre doğru değil.",
    ),
    "You can publish pages, so your account needs a second factor. Please set up an authenticator app to continue to the admin.": (
        "Sie können Seiten veröffentlichen, daher braucht Ihr Konto einen zweiten Faktor. Bitte richten Sie eine Authenticator-App ein, um zur Verwaltung zu gelangen.",
        "يمكنك نشر الصفحات، لذا يحتاج حسابك إلى عامل تحقق ثانٍ. يرجى إعداد تطبيق مصادقة للمتابعة إلى لوحة الإدارة.",
        "Ви можете публікувати сторінки, тому вашому обліковому запису потрібен другий фактор. Налаштуйте застосунок-автентифікатор, щоб перейти до адміністрування.",
        "Sayfa yayınlayabildiğiniz için hesabınızın ikinci bir doğrulama adımına ihtiyacı var. Yönetim paneline devam etmek için lütfen bir doğrulama uygulaması kurun.",
    ),
    "email address": (
        "E-Mail-Adresse",
        "البريد الإلكتروني",
        "адреса електронної пошти",
        "e-posta adresi",
    ),
    "preferred language": (
        "bevorzugte Sprache",
        "اللغة المفضلة",
        "бажана мова",
        "tercih edilen dil",
    ),
    "Emails from Treffpunkt are written in this language.": (
        "E-Mails von Treffpunkt werden in dieser Sprache geschrieben.",
        "تُكتب رسائل البريد الإلكتروني من Treffpunkt بهذه اللغة.",
        "Листи від Treffpunkt надсилаються цією мовою.",
        "Treffpunkt'tan gelen e-postalar bu dilde yazılır.",
    ),
    "phone": ("Telefon", "الهاتف", "телефон", "telefon"),
    "user": ("Benutzer", "مستخدم", "користувач", "kullanıcı"),
    "users": ("Benutzer", "المستخدمون", "користувачі", "kullanıcılar"),
    "Your profile has been saved.": (
        "Ihr Profil wurde gespeichert.",
        "تم حفظ ملفك الشخصي.",
        "Ваш профіль збережено.",
        "Profiliniz kaydedildi.",
    ),
    "Your account and your personal data have been deleted.": (
        "Ihr Konto und Ihre persönlichen Daten wurden gelöscht.",
        "تم حذف حسابك وبياناتك الشخصية.",
        "Ваш обліковий запис і персональні дані видалено.",
        "Hesabınız ve kişisel verileriniz silindi.",
    ),
    "Treffpunkt core": (
        "Treffpunkt-Kern",
        "نواة Treffpunkt",
        "Ядро Treffpunkt",
        "Treffpunkt çekirdeği",
    ),
    "Title": ("Titel", "العنوان", "Заголовок", "Başlık"),
    "Text": ("Text", "النص", "Текст", "Metin"),
    "Link to page": (
        "Link zur Seite",
        "رابط إلى صفحة",
        "Посилання на сторінку",
        "Sayfaya bağlantı",
    ),
    "or link to address": (
        "oder Link zu Adresse",
        "أو رابط إلى عنوان",
        "або посилання на адресу",
        "veya adrese bağlantı",
    ),
    "Button label": (
        "Beschriftung der Schaltfläche",
        "نص الزر",
        "Напис на кнопці",
        "Düğme etiketi",
    ),
    "Call to action": ("Handlungsaufruf", "دعوة إلى المشاركة", "Заклик до дії", "Eylem çağrısı"),
    "Name": ("Name", "الاسم", "Ім'я", "Ad"),
    "Role": ("Rolle", "الدور", "Роль", "Görev"),
    "Phone": ("Telefon", "الهاتف", "Телефон", "Telefon"),
    "Email": ("E-Mail", "البريد الإلكتروني", "Електронна пошта", "E-posta"),
    "Address": ("Adresse", "العنوان", "Адреса", "Adres"),
    "Languages spoken": (
        "Gesprochene Sprachen",
        "اللغات المحكية",
        "Мови спілкування",
        "Konuşulan diller",
    ),
    "Contact": ("Kontakt", "جهة الاتصال", "Контакт", "İletişim"),
    "Image": ("Bild", "صورة", "Зображення", "Görsel"),
    "Caption": ("Bildunterschrift", "تعليق الصورة", "Підпис", "Görsel açıklaması"),
    "Heading": ("Überschrift", "عنوان فرعي", "Підзаголовок", "Ara başlık"),
    "headline": ("Schlagzeile", "العنوان الرئيسي", "головний заголовок", "manşet"),
    "introduction": ("Einleitung", "مقدمة", "вступ", "giriş"),
    "image": ("Bild", "صورة", "зображення", "görsel"),
    "content": ("Inhalt", "المحتوى", "вміст", "içerik"),
    "Welcome": ("Willkommen", "مرحبًا", "Ласкаво просимо", "Hoş geldiniz"),
    "home page": ("Startseite", "الصفحة الرئيسية", "головна сторінка", "ana sayfa"),
    "content page": ("Inhaltsseite", "صفحة محتوى", "сторінка вмісту", "içerik sayfası"),
    "town": ("Stadt", "المدينة", "місто", "şehir"),
    "theme": ("Gestaltung", "المظهر", "тема оформлення", "tema"),
    "tagline": ("Untertitel", "الشعار", "підзаголовок", "slogan"),
    "imprint page": (
        "Impressum-Seite",
        "صفحة بيانات الناشر",
        "сторінка вихідних даних",
        "künye sayfası",
    ),
    "privacy page": (
        "Datenschutz-Seite",
        "صفحة الخصوصية",
        "сторінка про захист даних",
        "gizlilik sayfası",
    ),
    "contact email": ("Kontakt-E-Mail", "بريد التواصل", "контактна пошта", "iletişim e-postası"),
    "footer text": (
        "Text in der Fußzeile",
        "نص التذييل",
        "текст нижнього колонтитула",
        "alt bilgi metni",
    ),
    "site configuration": (
        "Website-Einstellungen",
        "إعدادات الموقع",
        "налаштування сайту",
        "site ayarları",
    ),
    "Menu items": ("Menüpunkte", "عناصر القائمة", "Пункти меню", "Menü öğeleri"),
    "navigation": ("Navigation", "التنقل", "навігація", "gezinme"),
    "page": ("Seite", "صفحة", "сторінка", "sayfa"),
    "or address": ("oder Adresse", "أو عنوان", "або адреса", "veya adres"),
    "label": ("Beschriftung", "التسمية", "назва", "etiket"),
    "Leave empty to use the page title.": (
        "Leer lassen, um den Seitentitel zu verwenden.",
        "اتركه فارغًا لاستخدام عنوان الصفحة.",
        "Залиште порожнім, щоб використати назву сторінки.",
        "Sayfa başlığını kullanmak için boş bırakın.",
    ),
    "menu item": ("Menüpunkt", "عنصر قائمة", "пункт меню", "menü öğesi"),
    "Plugins": ("Module", "الوحدات الإضافية", "Модулі", "Eklentiler"),
    "Enabled plugins": ("Aktive Module", "الوحدات المفعّلة", "Увімкнені модулі", "Etkin eklentiler"),
    "Switched-off plugins answer 404 on this site and hide their admin menu items.": (
        "Abgeschaltete Module sind auf dieser Website nicht erreichbar (404) und ihre Menüpunkte in der Verwaltung sind ausgeblendet.",
        "الوحدات المعطّلة غير متاحة على هذا الموقع (404) وتُخفى عناصرها في قائمة الإدارة.",
        "Вимкнені модулі недоступні на цьому сайті (404), а їхні пункти меню адміністрування приховано.",
        "Kapatılan eklentiler bu sitede erişilemez (404) ve yönetim menüsü öğeleri gizlenir.",
    ),
    "Page not found": (
        "Seite nicht gefunden",
        "الصفحة غير موجودة",
        "Сторінку не знайдено",
        "Sayfa bulunamadı",
    ),
    "We could not find this page. It may have moved, or the address is mistyped.": (
        "Diese Seite gibt es nicht. Vielleicht wurde sie verschoben, oder die Adresse enthält einen Tippfehler.",
        "لم نتمكن من العثور على هذه الصفحة. ربما نُقلت، أو أن العنوان مكتوب بشكل خاطئ.",
        "Ми не знайшли цю сторінку. Можливо, її перенесено, або в адресі помилка.",
        "Bu sayfayı bulamadık. Taşınmış olabilir ya da adres yanlış yazılmış olabilir.",
    ),
    "Go to the start page": (
        "Zur Startseite",
        "الذهاب إلى الصفحة الرئيسية",
        "На головну сторінку",
        "Ana sayfaya git",
    ),
    "Something went wrong": (
        "Etwas ist schiefgelaufen",
        "حدث خطأ ما",
        "Щось пішло не так",
        "Bir şeyler ters gitti",
    ),
    "Sorry, an error occurred on our side. Please try again in a moment.": (
        "Entschuldigung, bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es gleich noch einmal.",
        "عذرًا، حدث خطأ من جهتنا. يرجى المحاولة مرة أخرى بعد قليل.",
        "Вибачте, сталася помилка з нашого боку. Спробуйте ще раз за хвилину.",
        "Üzgünüz, bizim tarafımızda bir hata oluştu. Lütfen biraz sonra tekrar deneyin.",
    ),
    "My Treffpunkt": ("Mein Treffpunkt", "Treffpunkt الخاص بي", "Мій Treffpunkt", "Treffpunkt'ım"),
    "Hello, %(name)s": (
        "Hallo, %(name)s",
        "مرحبًا، %(name)s",
        "Вітаємо, %(name)s",
        "Merhaba, %(name)s",
    ),
    "Nothing here yet. Join a working group to see its meetings and tasks here.": (
        "Hier ist noch nichts. Treten Sie einer Arbeitsgruppe bei, um hier ihre Treffen und Aufgaben zu sehen.",
        "لا يوجد شيء هنا بعد. انضم إلى مجموعة عمل لترى اجتماعاتها ومهامها هنا.",
        "Тут поки нічого немає. Приєднайтеся до робочої групи, щоб бачити тут її зустрічі та завдання.",
        "Burada henüz bir şey yok. Toplantılarını ve görevlerini burada görmek için bir çalışma grubuna katılın.",
    ),
    "My account": ("Mein Konto", "حسابي", "Мій обліковий запис", "Hesabım"),
    "Profile and language": (
        "Profil und Sprache",
        "الملف الشخصي واللغة",
        "Профіль і мова",
        "Profil ve dil",
    ),
    "Email addresses": (
        "E-Mail-Adressen",
        "عناوين البريد الإلكتروني",
        "Адреси електронної пошти",
        "E-posta adresleri",
    ),
    "Change password": (
        "Passwort ändern",
        "تغيير كلمة المرور",
        "Змінити пароль",
        "Şifreyi değiştir",
    ),
    "Two-factor authentication": (
        "Zwei-Faktor-Anmeldung",
        "المصادقة الثنائية",
        "Двофакторна автентифікація",
        "İki adımlı doğrulama",
    ),
    "Editing (Wagtail admin)": (
        "Redaktion (Wagtail-Verwaltung)",
        "التحرير (لوحة إدارة Wagtail)",
        "Редагування (адмінка Wagtail)",
        "Düzenleme (Wagtail yönetimi)",
    ),
    "Delete my account": (
        "Mein Konto löschen",
        "حذف حسابي",
        "Видалити мій обліковий запис",
        "Hesabımı sil",
    ),
    "Sign out": ("Abmelden", "تسجيل الخروج", "Вийти", "Çıkış yap"),
    "Your account, your memberships and the personal data kept with them will be deleted. Public content you wrote for the network stays, without your name.": (
        "Ihr Konto, Ihre Mitgliedschaften und die dazu gespeicherten persönlichen Daten werden gelöscht. Öffentliche Inhalte, die Sie für das Netzwerk geschrieben haben, bleiben ohne Ihren Namen erhalten.",
        "سيتم حذف حسابك وعضوياتك والبيانات الشخصية المحفوظة معها. يبقى المحتوى العام الذي كتبته للشبكة، ولكن بدون اسمك.",
        "Ваш обліковий запис, членство та пов'язані з ними персональні дані буде видалено. Публічні матеріали, які ви написали для мережі, залишаться без вашого імені.",
        "Hesabınız, üyelikleriniz ve bunlarla saklanan kişisel verileriniz silinecek. Ağ için yazdığınız herkese açık içerikler adınız olmadan kalır.",
    ),
    "Delete my account for good": (
        "Mein Konto endgültig löschen",
        "حذف حسابي نهائيًا",
        "Видалити обліковий запис назавжди",
        "Hesabımı kalıcı olarak sil",
    ),
    "Cancel": ("Abbrechen", "إلغاء", "Скасувати", "Vazgeç"),
    "Profile": ("Profil", "الملف الشخصي", "Профіль", "Profil"),
    "You sign in with %(email)s.": (
        "Sie melden sich mit %(email)s an.",
        "تسجّل الدخول باستخدام %(email)s.",
        "Ви входите з адресою %(email)s.",
        "%(email)s ile giriş yapıyorsunuz.",
    ),
    "Save": ("Speichern", "حفظ", "Зберегти", "Kaydet"),
    "Back to my Treffpunkt": (
        "Zurück zu Mein Treffpunkt",
        "العودة إلى Treffpunkt الخاص بي",
        "Назад до мого Treffpunkt",
        "Treffpunkt'ıma dön",
    ),
    "Skip to content": (
        "Zum Inhalt springen",
        "تخطَّ إلى المحتوى",
        "Перейти до змісту",
        "İçeriğe geç",
    ),
    "Languages": ("Sprachen", "اللغات", "Мови", "Diller"),
    "Search": ("Suche", "بحث", "Пошук", "Ara"),
    "Search for": ("Suchen nach", "ابحث عن", "Шукати", "Aranacak"),
    "Nothing found. Try another word, or check the spelling.": (
        "Nichts gefunden. Versuchen Sie ein anderes Wort oder prüfen Sie die Schreibweise.",
        "لم يتم العثور على شيء. جرّب كلمة أخرى أو تحقق من الإملاء.",
        "Нічого не знайдено. Спробуйте інше слово або перевірте написання.",
        "Hiçbir şey bulunamadı. Başka bir kelime deneyin veya yazımı kontrol edin.",
    ),
    "Legal": ("Rechtliches", "معلومات قانونية", "Правова інформація", "Yasal"),
    "Imprint": ("Impressum", "بيانات الناشر", "Вихідні дані", "Künye"),
    "Privacy": ("Datenschutz", "الخصوصية", "Захист даних", "Gizlilik"),
    "Integration network": (
        "Netzwerk Integration",
        "شبكة الاندماج",
        "Мережа інтеграції",
        "Entegrasyon ağı",
    ),
    "Main menu": ("Hauptmenü", "القائمة الرئيسية", "Головне меню", "Ana menü"),
    "Sign in": ("Anmelden", "تسجيل الدخول", "Увійти", "Giriş yap"),
    "Language": ("Sprache", "اللغة", "Мова", "Dil"),
    "Pages": ("Seiten", "الصفحات", "Сторінки", "Sayfalar"),
    "Previous": ("Zurück", "السابق", "Попередня", "Önceki"),
    "Page %(number)s of %(total)s": (
        "Seite %(number)s von %(total)s",
        "الصفحة %(number)s من %(total)s",
        "Сторінка %(number)s з %(total)s",
        "Sayfa %(number)s / %(total)s",
    ),
    "Next": ("Weiter", "التالي", "Наступна", "Sonraki"),
    "Home": ("Start", "الرئيسية", "Головна", "Ana sayfa"),
    "Together in Borken": (
        "Zusammenleben in Borken",
        "العيش معًا في بوركن",
        "Разом у Боркені",
        "Borken'de birlikte",
    ),
}

PLURALS = {
    "%(counter)s result for “%(query)s”": {
        "de": ["%(counter)s Ergebnis für „%(query)s“", "%(counter)s Ergebnisse für „%(query)s“"],
        "ar": ["%(counter)s نتائج لـ «%(query)s»"] * 6,
        "uk": [
            "%(counter)s результат для «%(query)s»",
            "%(counter)s результати для «%(query)s»",
            "%(counter)s результатів для «%(query)s»",
            "%(counter)s результату для «%(query)s»",
        ],
        "tr": ["“%(query)s” için %(counter)s sonuç", "“%(query)s” için %(counter)s sonuç"],
    },
}

LANGUAGES = ["de", "ar", "uk", "tr"]


def fill(po_path, language: str, table=T, plurals=PLURALS) -> int:
    """Write the translations of one language into a .po file; returns what is still missing."""
    import polib

    po = polib.pofile(str(po_path))
    column = LANGUAGES.index(language)
    missing = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = plurals.get(entry.msgid, {}).get(language)
            if forms:
                entry.msgstr_plural = {
                    i: forms[min(i, len(forms) - 1)]
                    for i in range(len(entry.msgstr_plural) or len(forms))
                }
            else:
                missing += 1
        elif entry.msgid in table:
            entry.msgstr = table[entry.msgid][column]
        else:
            missing += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(po_path).replace(".po", ".mo"))
    return missing


if __name__ == "__main__":
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for lang in LANGUAGES:
        print(lang, "missing:", fill(here / lang / "LC_MESSAGES" / "django.po", lang))
    en = here / "en" / "LC_MESSAGES" / "django.po"
    import polib

    polib.pofile(str(en)).save_as_mofile(str(en).replace(".po", ".mo"))
