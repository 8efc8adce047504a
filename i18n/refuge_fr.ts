<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../processing/messages.py" line="199"/>
        <source>Canceled: nothing was written.</source>
        <translation>Annulé : rien n’a été écrit.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="56"/>
        <source>The file {path} does not exist. Choose an existing file.</source>
        <translation>Le fichier {path} n’existe pas. Choisissez un fichier existant.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="61"/>
        <source>The file {path} is empty (0 bytes). Download it again or choose another file.</source>
        <translation>Le fichier {path} est vide (0 octet). Téléchargez-le à nouveau ou choisissez un autre fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="64"/>
        <source>The file {path} is not an OpenStreetMap .pbf file. Choose a file ending in .osm.pbf, for example an extract from download.geofabrik.de.</source>
        <translation>Le fichier {path} n’est pas un fichier OpenStreetMap .pbf. Choisissez un fichier se terminant par .osm.pbf, par exemple un extrait de download.geofabrik.de.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="67"/>
        <source>The file {path} is truncated: it has {actual} bytes but its content needs {expected}. The download was probably interrupted; download it again.</source>
        <translation>Le fichier {path} est tronqué : il fait {actual} octets mais son contenu en exige {expected}. Le téléchargement a sans doute été interrompu ; téléchargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="76"/>
        <source>The area to extract ({area}) does not overlap the data in the file ({data}). Choose an area inside the file&apos;s extent, or leave the area empty to extract the whole file.</source>
        <translation>La zone à extraire ({area}) ne recoupe pas les données du fichier ({data}). Choisissez une zone dans l’emprise du fichier, ou laissez la zone vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="80"/>
        <source>The area to extract is empty. Draw a larger extent or choose a layer with polygons, or leave the area empty to extract the whole file.</source>
        <translation>La zone à extraire est vide. Tracez une emprise plus grande ou choisissez une couche de polygones, ou laissez la zone vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="96"/>
        <source>some nodes of the way are missing from the file (clipped extract)</source>
        <translation>des nœuds du chemin manquent dans le fichier (extrait découpé)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="97"/>
        <source>fewer than two distinct points</source>
        <translation>moins de deux points distincts</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="98"/>
        <source>the way is not a closed ring, so it cannot be an area</source>
        <translation>le chemin n’est pas un anneau fermé et ne peut donc pas être une surface</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="99"/>
        <source>the multipolygon could not be assembled (member ways missing from the file or rings not closed)</source>
        <translation>le multipolygone n’a pas pu être assemblé (chemins membres absents du fichier ou anneaux non fermés)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="101"/>
        <source>invalid geometry that could not be repaired</source>
        <translation>géométrie invalide qui n’a pas pu être réparée</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="246"/>
        <source>Refuge cannot run its algorithms because of its Python dependencies:</source>
        <translation>Refuge ne peut pas exécuter ses algorithmes à cause de ses dépendances Python :</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="19"/>
        <source>Not exposed</source>
        <translation>Non exposé</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="19"/>
        <source>Low</source>
        <translation>Faible</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="19"/>
        <source>Medium</source>
        <translation>Moyen</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="19"/>
        <source>High</source>
        <translation>Fort</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="79"/>
        <source>Roads</source>
        <translation>Routes</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Road class field</source>
        <translation>Champ de classe de route</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Speed field (km/h)</source>
        <translation>Champ de vitesse (km/h)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Oneway field</source>
        <translation>Champ de sens unique</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Node ids field</source>
        <translation>Champ des identifiants de nœuds</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Access field</source>
        <translation>Champ d’accès</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Maximum speed field (km/h)</source>
        <translation>Champ de vitesse maximale (km/h)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Bridge field</source>
        <translation>Champ de pont</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="81"/>
        <source>Tunnel field</source>
        <translation>Champ de tunnel</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="93"/>
        <source>Topology tolerance (m)</source>
        <translation>Tolérance topologique (m)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="96"/>
        <source>Travel profile</source>
        <translation>Profil de déplacement</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="96"/>
        <source>Walk</source>
        <translation>À pied</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="96"/>
        <source>Drive</source>
        <translation>En voiture</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="98"/>
        <source>Hazard classes</source>
        <translation>Classes d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="100"/>
        <source>Hazard class field</source>
        <translation>Champ de classe d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="104"/>
        <source>Speed factor per class (0 = impassable)</source>
        <translation>Coefficient de vitesse par classe (0 = impraticable)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="106"/>
        <source>Maximum walking depth (m)</source>
        <translation>Hauteur d’eau maximale à pied (m)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="109"/>
        <source>Maximum snapping distance (m)</source>
        <translation>Distance d’accrochage maximale (m)</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="123"/>
        <source>The roads layer has no field {field}.</source>
        <translation>La couche des routes n’a pas de champ {field}.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="140"/>
        <source>The roads layer is empty. Choose a layer of road lines.</source>
        <translation>La couche des routes est vide. Choisissez une couche de lignes routières.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="143"/>
        <source>The roads are in a geographic CRS ({crs}): lengths are measured on the WGS 84 ellipsoid and points are snapped in a local metric projection.</source>
        <translation>Les routes sont dans un SCR géographique ({crs}) : les longueurs sont mesurées sur l’ellipsoïde WGS 84 et les points sont accrochés dans une projection métrique locale.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="159"/>
        <source>Multi-part roads: node ids are not used; roads are joined by their coordinates.</source>
        <translation>Routes multiparties : les identifiants de nœuds ne sont pas utilisés ; les routes sont raccordées par leurs coordonnées.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="162"/>
        <source>No road of the roads layer can be used for {profile}: check the road class field and the travel profile.</source>
        <translation>Aucune route de la couche des routes n’est praticable {profile} : vérifiez le champ de classe de route et le profil de déplacement.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="218"/>
        <source>walking</source>
        <translation>à pied</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="218"/>
        <source>driving</source>
        <translation>en voiture</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="223"/>
        <source>Give hazard classes or a flood depth raster, not both.</source>
        <translation>Indiquez des classes d’aléa ou un raster de hauteur d’eau, pas les deux.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="166"/>
        <source>{count} roads are not used for {profile}: their class is closed to it, or their access is no or private.</source>
        <translation>{count} routes ne sont pas utilisées {profile} : leur classe leur est fermée, ou leur accès vaut no ou private.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="170"/>
        <source>{count} roads have no class: they take the speed of an ordinary road ({speed} km/h).</source>
        <translation>{count} routes n’ont pas de classe : elles prennent la vitesse d’une route ordinaire ({speed} km/h).</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="174"/>
        <source>{count} roads have no value in the speed field: they take the speed of their class.</source>
        <translation>{count} routes n’ont pas de valeur dans le champ de vitesse : elles prennent la vitesse de leur classe.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="70"/>
        <source>Evacuation and access</source>
        <translation>Évacuation et accès</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="71"/>
        <source>the feature has no geometry</source>
        <translation>l’entité n’a pas de géométrie</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="72"/>
        <source>the geometry cannot be read (a line of one point, or damaged data)</source>
        <translation>la géométrie est illisible (une ligne d’un seul point, ou des données abîmées)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="73"/>
        <source>the geometry has coordinates that are not numbers (NaN) or infinite</source>
        <translation>la géométrie a des coordonnées qui ne sont pas des nombres (NaN) ou qui sont infinies</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="74"/>
        <source>the geometry is not of a type this input accepts (for example a line among buildings)</source>
        <translation>la géométrie n’est pas d’un type que cette entrée accepte (par exemple une ligne parmi des bâtiments)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="81"/>
        <source>the road has no length (its vertices coincide)</source>
        <translation>la route n’a pas de longueur (ses sommets sont confondus)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="82"/>
        <source>the node ids do not match the road&apos;s vertices</source>
        <translation>les identifiants de nœuds ne correspondent pas aux sommets de la route</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="83"/>
        <source>the road is closed to this travel profile (its class, or access=no or private): it is not used</source>
        <translation>la route est fermée à ce profil de déplacement (sa classe, ou access=no ou private) : elle n’est pas utilisée</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="86"/>
        <source>the zone has no geometry</source>
        <translation>la zone n’a pas de géométrie</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="88"/>
        <source>the value of the class field is not in the value map</source>
        <translation>la valeur du champ de classe n’est pas dans la table de correspondance</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="89"/>
        <source>the zone is not a polygon</source>
        <translation>la zone n’est pas un polygone</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="96"/>
        <source>The raster {path} has no band {band}: it has {count}. Choose a band from 1 to {count}.</source>
        <translation>Le raster {path} n’a pas de bande {band} : il en a {count}. Choisissez une bande de 1 à {count}.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="99"/>
        <source>The raster {path} is rotated or sheared: Refuge reads north-up rasters only. Warp it to a north-up grid first (Raster &gt; Projections &gt; Warp).</source>
        <translation>Le raster {path} est pivoté ou cisaillé : Refuge ne lit que les rasters orientés au nord. Reprojetez-le d’abord sur une grille orientée au nord (Raster &gt; Projections &gt; Projection (warp)).</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="102"/>
        <source>The raster {path} has no georeferencing: its pixels cannot be placed on the map. Georeference it first.</source>
        <translation>Le raster {path} n’a pas de géoréférencement : ses pixels ne peuvent pas être placés sur la carte. Géoréférencez-le d’abord.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="93"/>
        <source>The file {path} cannot be read as a raster. Check that it is a raster GDAL can open (a GeoTIFF for example) and that it is complete.</source>
        <translation>Le fichier {path} ne peut pas être lu comme un raster. Vérifiez que c’est un raster que GDAL sait ouvrir (un GeoTIFF par exemple) et qu’il est complet.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="58"/>
        <source>The file {path} exists but cannot be read (permission denied, or it is a folder). Check its permissions, or choose another file.</source>
        <translation>Le fichier {path} existe mais ne peut pas être lu (permission refusée, ou c’est un dossier). Vérifiez ses droits, ou choisissez un autre fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="137"/>
        <source>A setting</source>
        <translation>Un réglage</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="140"/>
        <source>above {low}</source>
        <translation>supérieure à {low}</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="140"/>
        <source>at least {low}</source>
        <translation>au moins {low}</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="143"/>
        <source>between {low} and {high}</source>
        <translation>entre {low} et {high}</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="145"/>
        <source>{parameter}: &apos;{part}&apos; is out of range: the value must be {rule}.</source>
        <translation>{parameter} : « {part} » est hors plage : la valeur doit être {rule}.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="148"/>
        <source>{parameter}: &apos;{part}&apos; is not of the form key=value. Write pairs such as low=0.5; medium=0 separated by &apos;;&apos;.</source>
        <translation>{parameter} : « {part} » n’est pas de la forme clé=valeur. Écrivez des paires comme low=0.5; medium=0 séparées par « ; ».</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="150"/>
        <source>{parameter}: &apos;{part}&apos; is not a key of this setting. The keys are: {allowed}.</source>
        <translation>{parameter} : « {part} » n’est pas une clé de ce réglage. Les clés sont : {allowed}.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="151"/>
        <source>{parameter}: &apos;{part}&apos; does not give a number (write 0.5 or 0,5).</source>
        <translation>{parameter} : « {part} » ne donne pas un nombre (écrivez 0.5 ou 0,5).</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="152"/>
        <source>{parameter}: &apos;{part}&apos; gives a key a second time: give each key once.</source>
        <translation>{parameter} : « {part} » donne une clé une deuxième fois : donnez chaque clé une seule fois.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="153"/>
        <source>{parameter}: &apos;{part}&apos; is not a hazard class: write low, medium, high or dry (or faible, moyen, fort, sec).</source>
        <translation>{parameter} : « {part} » n’est pas une classe d’aléa : écrivez faible, moyen, fort ou sec (ou low, medium, high, dry).</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="155"/>
        <source>{parameter} is empty: give at least one value.</source>
        <translation>{parameter} est vide : donnez au moins une valeur.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="163"/>
        <source>The output {path} would overwrite the input {other}: Refuge never writes over its inputs. Choose another output file.</source>
        <translation>La sortie {path} écraserait l’entrée {other} : Refuge n’écrit jamais sur ses entrées. Choisissez un autre fichier de sortie.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="165"/>
        <source>The output {path} is also chosen for {other}: each output needs a file of its own (or a layer of its own in a GeoPackage). Choose another file.</source>
        <translation>La sortie {path} est aussi choisie pour {other} : chaque sortie a besoin de son propre fichier (ou de sa propre couche dans un GeoPackage). Choisissez un autre fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="167"/>
        <source>Cannot write {path}: the folder does not allow writing (permissions, or a read-only disk). Choose another folder.</source>
        <translation>Impossible d’écrire {path} : le dossier ne permet pas l’écriture (droits, ou disque en lecture seule). Choisissez un autre dossier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="169"/>
        <source>Not enough space on the disk to write {path}. Free some space or choose another disk: nothing was written.</source>
        <translation>Pas assez de place sur le disque pour écrire {path}. Libérez de la place ou choisissez un autre disque : rien n’a été écrit.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="171"/>
        <source>The output {path} is a folder: give the name of a file inside it.</source>
        <translation>La sortie {path} est un dossier : donnez le nom d’un fichier dans ce dossier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="172"/>
        <source>Could not write {path}: nothing was written. Choose another output file or folder.</source>
        <translation>Impossible d’écrire {path} : rien n’a été écrit. Choisissez un autre fichier ou dossier de sortie.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="174"/>
        <source>The file {path} could not be written completely (the disk may be full): nothing was written. Free some space or choose another output.</source>
        <translation>Le fichier {path} n’a pas pu être écrit en entier (le disque est peut-être plein) : rien n’a été écrit. Libérez de la place ou choisissez une autre sortie.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="197"/>
        <source>Not enough memory for this run: close other programs, or run it on a smaller area.</source>
        <translation>Pas assez de mémoire pour ce traitement : fermez d’autres programmes, ou lancez-le sur une zone plus petite.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="38"/>
        <source>Refuge stopped on an unexpected error ({kind}): nothing was written. Please report it with the log of this run (the technical detail is in QGIS&apos;s message log, tab Refuge).</source>
        <translation>Refuge s’est arrêté sur une erreur inattendue ({kind}) : rien n’a été écrit. Merci de la signaler avec le journal de ce traitement (le détail technique est dans le journal des messages de QGIS, onglet Refuge).</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="217"/>
        <source>Technical detail: {detail}</source>
        <translation>Détail technique : {detail}</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="228"/>
        <source>Permission denied for {path}: check its permissions or choose another file or folder.</source>
        <translation>Permission refusée pour {path} : vérifiez ses droits ou choisissez un autre fichier ou dossier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="231"/>
        <source>The file or folder {path} does not exist.</source>
        <translation>Le fichier ou dossier {path} n’existe pas.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="233"/>
        <source>{path} is a folder, where a file was expected.</source>
        <translation>{path} est un dossier, là où un fichier était attendu.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="234"/>
        <source>The system could not read or write {path} (error {code}).</source>
        <translation>Le système n’a pas pu lire ou écrire {path} (erreur {code}).</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="228"/>
        <source>The maximum snapping distance must be above 0 m: points join a road only within it.</source>
        <translation>La distance d’accrochage maximale doit être supérieure à 0 m : les points ne rejoignent une route qu’en deçà.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="73"/>
        <source>The file {path} holds a header but no OpenStreetMap data: not one node, way or relation. The download was probably interrupted; download it again.</source>
        <translation>Le fichier {path} contient un en-tête mais aucune donnée OpenStreetMap : pas un nœud, une voie ni une relation. Le téléchargement a sans doute été interrompu ; téléchargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="89"/>
        <source>The output {path} must be a GeoPackage: give a file name ending in {expected}.</source>
        <translation>La sortie {path} doit être un GeoPackage : donnez un nom de fichier se terminant par {expected}.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="114"/>
        <source>The extent &apos;{value}&apos; cannot be read. Write it as xmin,xmax,ymin,ymax [EPSG:code], for example 7.41,7.44,43.72,43.75 [EPSG:4326], or leave it empty to extract the whole file.</source>
        <translation>L’emprise « {value} » est illisible. Écrivez-la xmin,xmax,ymin,ymax [EPSG:code], par exemple 7.41,7.44,43.72,43.75 [EPSG:4326], ou laissez-la vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="117"/>
        <source>The extent &apos;{value}&apos; has a coordinate that is not a number (NaN or infinite). Give four numbers, xmin,xmax,ymin,ymax [EPSG:code], or leave it empty to extract the whole file.</source>
        <translation>L’emprise « {value} » a une coordonnée qui n’est pas un nombre (NaN ou infinie). Donnez quatre nombres, xmin,xmax,ymin,ymax [EPSG:code], ou laissez-la vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="120"/>
        <source>The extent &apos;{value}&apos; has no width or no height, so nothing can touch it. Give an extent with xmin &lt; xmax and ymin &lt; ymax, or leave it empty to extract the whole file.</source>
        <translation>L’emprise « {value} » n’a pas de largeur ou pas de hauteur : rien ne peut la toucher. Donnez une emprise avec xmin &lt; xmax et ymin &lt; ymax, ou laissez-la vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="123"/>
        <source>The coordinate reference system of the extent &apos;{value}&apos; is unknown. Give one QGIS knows, such as [EPSG:4326], or leave it empty to extract the whole file.</source>
        <translation>Le système de coordonnées de l’emprise « {value} » est inconnu. Donnez-en un que QGIS connaît, comme [EPSG:4326], ou laissez l’emprise vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="125"/>
        <source>The extent &apos;{value}&apos; cannot be transformed to longitude and latitude (EPSG:4326): it lies outside what its coordinate reference system can place. Check its coordinates and its CRS.</source>
        <translation>L’emprise « {value} » ne peut pas être transformée en longitude et latitude (EPSG:4326) : elle sort de ce que son système de coordonnées sait placer. Vérifiez ses coordonnées et son SCR.</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="102"/>
        <source>a relation that is not a multipolygon (or a boundary) has no area of its own; its member ways that are areas are extracted on their own</source>
        <translation>une relation qui n’est pas un multipolygone (ni une limite) n’a pas de surface à elle ; ses voies membres qui sont des surfaces sont extraites chacune pour elle-même</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="104"/>
        <source>none of the relation&apos;s member nodes and ways are in the file</source>
        <translation>aucun des nœuds et voies membres de la relation n’est dans le fichier</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="248"/>
        <source>- {package}: {detail}. Install: {install}.</source>
        <translation>- {package} : {detail}. À installer : {install}.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="250"/>
        <source>The Refuge README (section Installation) gives the commands. Then restart QGIS.</source>
        <translation>Le README de Refuge (section Installation) donne les commandes. Redémarrez ensuite QGIS.</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="78"/>
        <source>the geometry encloses nothing (rings of fewer than four points, or folded onto a line)</source>
        <translation>la géométrie n’enferme rien (des anneaux de moins de quatre points, ou repliés sur une ligne)</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="76"/>
        <source>the coordinates lie outside what the layer&apos;s coordinate reference system can place (a longitude of 1e20 degrees, for example)</source>
        <translation>les coordonnées sortent de ce que le système de coordonnées de la couche sait placer (une longitude de 1e20 degrés, par exemple)</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="53"/>
        <source>The file {path} cannot be used: check that it is the right file and that it is complete.</source>
        <translation>Le fichier {path} est inutilisable : vérifiez que c’est le bon fichier et qu’il est complet.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="71"/>
        <source>The file {path} is damaged and cannot be decoded. Download it again.</source>
        <translation>Le fichier {path} est endommagé et ne peut pas être décodé. Téléchargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="105"/>
        <source>The Python package {package} is missing or unusable. See the Refuge README, section Installation, to install it.</source>
        <translation>Le paquet Python {package} est absent ou inutilisable. Voyez le README de Refuge, section Installation, pour l’installer.</translation>
    </message>
    <message>
        <location filename="../processing/network.py" line="205"/>
        <source>No household is within {distance} m of a usable road. Check that the roads and the households cover the same area (and their CRS), or raise the maximum snapping distance.</source>
        <translation>Aucun ménage n’est à moins de {distance} m d’une route utilisable. Vérifiez que les routes et les ménages couvrent la même zone (et leur SCR), ou augmentez la distance d’accrochage maximale.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="85"/>
        <source>The assignment of households to shelters within their capacities could not be solved. Run again without the capacity assignment, or check the shelters&apos; capacities.</source>
        <translation>L’affectation des ménages aux abris dans la limite de leurs capacités n’a pas pu être résolue. Relancez sans l’affectation sous contrainte de capacité, ou vérifiez les capacités des abris.</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="33"/>
        <source>a safe shelter is reachable</source>
        <translation>un abri sûr est accessible</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="34"/>
        <source>at a safe shelter</source>
        <translation>déjà à un abri sûr</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="35"/>
        <source>cut off by the flood</source>
        <translation>isolé par l’inondation</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="36"/>
        <source>no shelter reachable, even without the flood</source>
        <translation>aucun abri accessible, même sans inondation</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="62"/>
        <source>no road within the snapping distance</source>
        <translation>aucune route à moins de la distance d’accrochage</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="44"/>
        <source>safe</source>
        <translation>sûr</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="45"/>
        <source>in the hazard zone: not a destination</source>
        <translation>dans la zone d’aléa : pas une destination</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="58"/>
        <source>reached as without the flood</source>
        <translation>atteint comme sans inondation</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="59"/>
        <source>reached later than the delay threshold</source>
        <translation>atteint avec un retard supérieur au seuil</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="60"/>
        <source>no longer reached once flooded</source>
        <translation>plus atteint une fois le réseau inondé</translation>
    </message>
    <message>
        <location filename="../processing/labels.py" line="61"/>
        <source>not reached even without the flood</source>
        <translation>non atteint, même sans inondation</translation>
    </message>
</context>
<context>
    <name>DepthRasterParameters</name>
    <message>
        <location filename="../processing/depth.py" line="39"/>
        <source>Flood depth raster</source>
        <translation>Raster de hauteur d’eau</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="42"/>
        <source>Band</source>
        <translation>Bande</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="45"/>
        <source>Upper bound of low depths (m)</source>
        <translation>Borne supérieure des hauteurs faibles (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="45"/>
        <source>Upper bound of medium depths (m)</source>
        <translation>Borne supérieure des hauteurs moyennes (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="45"/>
        <source>Minimum flood depth (m)</source>
        <translation>Hauteur d’eau minimale (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="60"/>
        <source>The upper bound of low depths ({low} m) must be below that of medium depths ({medium} m).</source>
        <translation>La borne supérieure des hauteurs faibles ({low} m) doit être inférieure à celle des hauteurs moyennes ({medium} m).</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="66"/>
        <source>The minimum flood depth ({minimum} m) must be below the upper bound of low depths ({low} m).</source>
        <translation>La hauteur d’eau minimale ({minimum} m) doit être inférieure à la borne supérieure des hauteurs faibles ({low} m).</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="97"/>
        <source>The depth raster has no coordinate reference system. Set its CRS in the layer properties, then run again.</source>
        <translation>Le raster de hauteur d’eau n’a pas de système de coordonnées de référence. Définissez son SCR dans les propriétés de la couche, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="97"/>
        <source>The depth raster declares no nodata value: every pixel is read as a depth.</source>
        <translation>Le raster de hauteur d’eau ne déclare pas de valeur nodata : chaque pixel est lu comme une hauteur.</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="85"/>
        <source>The depth raster has no band {band}: it has {count}. Choose a band from 1 to {count}.</source>
        <translation>Le raster de hauteur d’eau n’a pas de bande {band} : il en a {count}. Choisissez une bande de 1 à {count}.</translation>
    </message>
</context>
<context>
    <name>EvacuationAccess</name>
    <message>
        <location filename="../processing/evacuation_access.py" line="96"/>
        <source>Evacuation access to shelters</source>
        <translation>Accès aux abris d’évacuation</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="101"/>
        <source>Households</source>
        <translation>Ménages</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="103"/>
        <source>Population field</source>
        <translation>Champ de population</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="106"/>
        <source>Shelters</source>
        <translation>Abris</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="108"/>
        <source>Shelter name field</source>
        <translation>Champ du nom de l’abri</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="111"/>
        <source>Capacity field</source>
        <translation>Champ de capacité</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="114"/>
        <source>At-shelter distance (m)</source>
        <translation>Distance « déjà à l’abri » (m)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="117"/>
        <source>Capacity-constrained assignment</source>
        <translation>Affectation sous contrainte de capacité</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="119"/>
        <source>Routes for (expression on households)</source>
        <translation>Itinéraires pour (expression sur les ménages)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="122"/>
        <source>Aggregation units</source>
        <translation>Unités d’agrégation</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="124"/>
        <source>Unit name field</source>
        <translation>Champ du nom de l’unité</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="127"/>
        <source>Time threshold (min)</source>
        <translation>Seuil de temps (min)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="130"/>
        <source>Isochrone bands (min)</source>
        <translation>Tranches d’isochrones (min)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="133"/>
        <source>Isochrone buffer (m)</source>
        <translation>Zone tampon des isochrones (m)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Households with access</source>
        <translation>Accès des ménages</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Shelters with load</source>
        <translation>Charge des abris</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Routes</source>
        <translation>Itinéraires</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Road sections with flood status</source>
        <translation>Tronçons de routes avec état d’inondation</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Access per unit</source>
        <translation>Accès par unité</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Isochrones</source>
        <translation>Isochrones</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="136"/>
        <source>Rejected features</source>
        <translation>Entités rejetées</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="150"/>
        <source>Summary (JSON)</source>
        <translation>Résumé (JSON)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="150"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="221"/>
        <source>The households layer is empty.</source>
        <translation>La couche des ménages est vide.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="221"/>
        <source>The shelters layer is empty: give at least one shelter.</source>
        <translation>La couche des abris est vide : indiquez au moins un abri.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="227"/>
        <source>{count} households have no population value: counted as 0 people.</source>
        <translation>{count} ménages n’ont pas de valeur de population : comptés pour 0 personne.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="235"/>
        <source>All {count} shelters are inside the hazard zone (or have no geometry): no safe shelter remains. Add shelters outside the hazard, or check the hazard layer.</source>
        <translation>Les {count} abris sont tous dans la zone d’aléa (ou sans géométrie) : il ne reste aucun abri sûr. Ajoutez des abris hors de l’aléa, ou vérifiez la couche d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="164"/>
        <source>The capacity-constrained assignment needs the shelters&apos; capacity field.</source>
        <translation>L’affectation sous contrainte de capacité nécessite le champ de capacité des abris.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="265"/>
        <source>Assigning households to shelters within their capacity.</source>
        <translation>Affectation des ménages aux abris dans la limite de leur capacité.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="209"/>
        <source>{reachable} households reach a safe shelter, {at} are at one, {isolated} are cut off by the flood, {none} have no shelter reachable even without the flood, {no_road} have no road nearby.</source>
        <translation>{reachable} ménages atteignent un abri sûr, {at} y sont déjà, {isolated} sont isolés par l’inondation, {none} n’ont aucun abri accessible même sans inondation, {no_road} n’ont pas de route à proximité.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="168"/>
        <source>The route expression is not valid: {error}</source>
        <translation>L’expression des itinéraires n’est pas valide : {error}</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="253"/>
        <source>No safe shelter is within {distance} m of a usable road: no household can reach one. Check that the shelters and the roads cover the same area (and their CRS), or raise the maximum snapping distance.</source>
        <translation>Aucun abri sûr n’est à moins de {distance} m d’une route utilisable : aucun ménage ne peut en atteindre un. Vérifiez que les abris et les routes couvrent la même zone (et leur SCR), ou augmentez la distance d’accrochage maximale.</translation>
    </message>
    <message>
        <location filename="../processing/evacuation_access.py" line="258"/>
        <source>No household can reach a shelter, even without the flood: the households and the shelters are on road networks that do not connect.</source>
        <translation>Aucun ménage ne peut atteindre un abri, même sans inondation : les ménages et les abris sont sur des réseaux routiers qui ne se rejoignent pas.</translation>
    </message>
</context>
<context>
    <name>Exposure</name>
    <message>
        <location filename="../processing/exposure.py" line="159"/>
        <source>Exposure to a hazard</source>
        <translation>Exposition à un aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="162"/>
        <source>Hazard and exposure</source>
        <translation>Aléa et exposition</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="174"/>
        <source>Hazard classes</source>
        <translation>Classes d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="176"/>
        <source>Hazard class field</source>
        <translation>Champ de classe d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="445"/>
        <source>Buildings</source>
        <translation>Bâtiments</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="182"/>
        <source>Building type field</source>
        <translation>Champ du type de bâtiment</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="185"/>
        <source>Population field</source>
        <translation>Champ de population</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="188"/>
        <source>Building levels field</source>
        <translation>Champ du nombre de niveaux</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="191"/>
        <source>Residential building types</source>
        <translation>Types de bâtiments résidentiels</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="194"/>
        <source>Population raster</source>
        <translation>Raster de population</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="466"/>
        <source>Facilities</source>
        <translation>Équipements</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="198"/>
        <source>Facility category field</source>
        <translation>Champ de catégorie d’équipement</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="201"/>
        <source>Roads</source>
        <translation>Routes</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="299"/>
        <source>Aggregation units</source>
        <translation>Unités d’agrégation</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="207"/>
        <source>Unit name field</source>
        <translation>Champ du nom de l’unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="210"/>
        <source>Unit census population field</source>
        <translation>Champ de population recensée de l’unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="213"/>
        <source>Displacement rate per class</source>
        <translation>Taux de déplacement par classe</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="216"/>
        <source>Demographic ratios</source>
        <translation>Ratios démographiques</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Minimum needs per displaced person</source>
        <translation>Besoins minimaux par personne déplacée</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Exposed buildings</source>
        <translation>Bâtiments exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Exposed facilities</source>
        <translation>Équipements exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Exposed road sections</source>
        <translation>Tronçons de routes exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Exposure per unit</source>
        <translation>Exposition par unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Exposure summary</source>
        <translation>Synthèse de l’exposition</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="224"/>
        <source>Rejected features</source>
        <translation>Entités rejetées</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="237"/>
        <source>Summary (JSON)</source>
        <translation>Résumé (JSON)</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="237"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="240"/>
        <source>Hazard source</source>
        <translation>Source de l’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="252"/>
        <source>Give either hazard classes or a flood depth raster (exactly one of them).</source>
        <translation>Indiquez soit des classes d’aléa, soit un raster de hauteur d’eau (exactement l’un des deux).</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="248"/>
        <source>Choose at least one exposure layer: buildings, facilities or roads.</source>
        <translation>Choisissez au moins une couche exposée : bâtiments, équipements ou routes.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="264"/>
        <source>Give one source of population only: a population field of the buildings, a census field of the aggregation units, or a population raster.</source>
        <translation>Indiquez une seule source de population : un champ de population des bâtiments, un champ de recensement des unités d’agrégation, ou un raster de population.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="268"/>
        <source>Census totals are distributed to buildings: choose a buildings layer as well.</source>
        <translation>Les totaux du recensement sont répartis entre les bâtiments : choisissez aussi une couche de bâtiments.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="371"/>
        <source>outside every unit</source>
        <translation>hors de toute unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="459"/>
        <source>{people} people of the census have no residential building in their unit and are not placed; they are reported as unplaced.</source>
        <translation>{people} personnes du recensement n’ont aucun bâtiment résidentiel dans leur unité et ne sont pas placées ; elles sont signalées comme non placées.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="313"/>
        <source>{layer}: {count} invalid geometries were repaired.</source>
        <translation>{layer} : {count} géométries invalides ont été réparées.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="388"/>
        <source>The population raster has no coordinate reference system. Set its CRS in the layer properties, then run again.</source>
        <translation>Le raster de population n’a pas de système de coordonnées de référence. Définissez son SCR dans les propriétés de la couche, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="388"/>
        <source>The population raster declares no nodata value: every pixel is read as a number of people.</source>
        <translation>Le raster de population ne déclare pas de valeur nodata : chaque pixel est lu comme un nombre de personnes.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="363"/>
        <source>the hazard</source>
        <translation>l’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="394"/>
        <source>The population raster holds negative values (down to {minimum:g}): people cannot be negative. If they mark cells without data, set the raster&apos;s nodata value in the layer properties (or fix the raster), then run again.</source>
        <translation>Le raster de population contient des valeurs négatives (jusqu’à {minimum:g}) : une population ne peut pas être négative. Si elles marquent des cellules sans données, définissez la valeur nodata du raster dans les propriétés de la couche (ou corrigez le raster), puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="325"/>
        <source>{count} features have no value in {field}: counted as 0 people.</source>
        <translation>{count} entités n’ont pas de valeur dans {field} : comptées pour 0 personne.</translation>
    </message>
</context>
<context>
    <name>FacilityAccess</name>
    <message>
        <location filename="../processing/facility_access.py" line="40"/>
        <source>Emergency access from facilities</source>
        <translation>Accès des secours depuis les équipements</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="45"/>
        <source>Households</source>
        <translation>Ménages</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="47"/>
        <source>Facilities</source>
        <translation>Équipements</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="49"/>
        <source>Facility name field</source>
        <translation>Champ du nom de l’équipement</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="52"/>
        <source>Delay threshold (min)</source>
        <translation>Seuil de retard (min)</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="55"/>
        <source>Households with emergency access</source>
        <translation>Accès des secours aux ménages</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="64"/>
        <source>Summary (JSON)</source>
        <translation>Résumé (JSON)</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="64"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="80"/>
        <source>The households layer is empty.</source>
        <translation>La couche des ménages est vide.</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="80"/>
        <source>The facilities layer is empty: give at least one facility.</source>
        <translation>La couche des équipements est vide : indiquez au moins un équipement.</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="104"/>
        <source>{lost} households lose emergency access because of the flood, {delayed} are reached more than {minutes} min later, {unchanged} keep their access.</source>
        <translation>{lost} ménages perdent l’accès des secours à cause de l’inondation, {delayed} sont atteints plus de {minutes} min plus tard, {unchanged} gardent leur accès.</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="61"/>
        <source>Rejected features</source>
        <translation>Entités rejetées</translation>
    </message>
    <message>
        <location filename="../processing/facility_access.py" line="119"/>
        <source>No household is reached from a facility, even without the flood: check that the facilities are within {distance} m of a usable road, on the same road network as the households.</source>
        <translation>Aucun ménage n’est atteint depuis un équipement, même sans inondation : vérifiez que les équipements sont à moins de {distance} m d’une route utilisable, sur le même réseau routier que les ménages.</translation>
    </message>
</context>
<context>
    <name>OsmExtractPbf</name>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="50"/>
        <source>Extract OSM layers from a .pbf file</source>
        <translation>Extraire les couches OSM d’un fichier .pbf</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="53"/>
        <source>OpenStreetMap</source>
        <translation>OpenStreetMap</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="59"/>
        <source>osm,openstreetmap,pbf,extract,buildings,roads,shelters,facilities,waterways,boundaries,offline</source>
        <translation>osm,openstreetmap,pbf,extraction,bâtiments,routes,abris,équipements,cours d’eau,limites administratives,hors ligne</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="96"/>
        <source>Buildings</source>
        <translation>Bâtiments</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="66"/>
        <source>Routable roads</source>
        <translation>Routes praticables</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="98"/>
        <source>Public facilities</source>
        <translation>Équipements publics</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="68"/>
        <source>Shelters and assembly points</source>
        <translation>Abris et points de rassemblement</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="69"/>
        <source>Waterways and water areas</source>
        <translation>Cours d’eau et surfaces en eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="102"/>
        <source>Administrative boundaries</source>
        <translation>Limites administratives</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="75"/>
        <source>OpenStreetMap .pbf file</source>
        <translation>Fichier OpenStreetMap .pbf</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="75"/>
        <source>OpenStreetMap PBF (*.pbf *.osm.pbf)</source>
        <translation>OpenStreetMap PBF (*.pbf *.osm.pbf)</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="78"/>
        <source>Themes</source>
        <translation>Thèmes</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="81"/>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="83"/>
        <source>Area polygons</source>
        <translation>Polygones de la zone</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="85"/>
        <source>Output GeoPackage</source>
        <translation>GeoPackage de sortie</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="85"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="260"/>
        <source>Rejected OSM objects</source>
        <translation>Objets OSM rejetés</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="91"/>
        <source>Number of rejected OSM objects</source>
        <translation>Nombre d’objets OSM rejetés</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="97"/>
        <source>Roads</source>
        <translation>Routes</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="99"/>
        <source>Shelters</source>
        <translation>Abris</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="100"/>
        <source>Waterways</source>
        <translation>Cours d’eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="101"/>
        <source>Water areas</source>
        <translation>Surfaces en eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="134"/>
        <source>Choose at least one theme to extract.</source>
        <translation>Choisissez au moins un thème à extraire.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="207"/>
        <source>Reading {path}</source>
        <translation>Lecture de {path}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="214"/>
        <source>OSM data timestamp: {timestamp}</source>
        <translation>Date des données OSM : {timestamp}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="266"/>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="224"/>
        <source>{layer}: {count} features</source>
        <translation>{layer} : {count} entités</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="230"/>
        <source>{count} {layer} rejected: {reason}</source>
        <translation>{layer} : {count} rejetés : {reason}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="261"/>
        <source>OSM objects of the chosen themes that got no usable geometry, with the reason.</source>
        <translation>Objets OSM des thèmes choisis qui n’ont pas reçu de géométrie utilisable, avec la raison.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="266"/>
        <source>Extracted by Refuge {version} from {source} (OSM data of {timestamp})</source>
        <translation>Extrait par Refuge {version} de {source} (données OSM du {timestamp})</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="130"/>
        <source>Themes: &apos;{value}&apos; is not a list of theme numbers. Give numbers from 0 to {last}, as THEMES=0,1 or THEMES=0 THEMES=1.</source>
        <translation>Thèmes : « {value} » n’est pas une liste de numéros de thèmes. Donnez des numéros de 0 à {last}, comme THEMES=0,1 ou THEMES=0 THEMES=1.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="193"/>
        <source>{count} feature(s) of {layer} have no usable polygon (no geometry, not a polygon, or outside what their CRS can place) and are not part of the area.</source>
        <translation>{count} entité(s) de {layer} n’ont pas de polygone utilisable (pas de géométrie, pas un polygone, ou hors de ce que leur SCR sait placer) et ne font pas partie de la zone.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="217"/>
        <source>The area covers the whole extent of the file ({bounds}): everything in the file is extracted.</source>
        <translation>La zone couvre toute l’emprise du fichier ({bounds}) : tout le contenu du fichier est extrait.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="242"/>
        <source>The file ends after its nodes: it holds no ways and no relations, although its untagged nodes exist only as the vertices of ways. It was probably cut short (an interrupted download): download it again. Only points were extracted.</source>
        <translation>Le fichier s’arrête après ses nœuds : il ne contient ni voie ni relation, alors que ses nœuds sans attribut n’existent que comme sommets de voies. Il a sans doute été tronqué (un téléchargement interrompu) : téléchargez-le à nouveau. Seuls des points ont été extraits.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="246"/>
        <source>The file ends after its ways: it holds no relations, although its untagged ways exist only as members of relations. It was probably cut short (an interrupted download): download it again. Buildings, water areas and boundaries mapped as multipolygon relations are missing.</source>
        <translation>Le fichier s’arrête après ses voies : il ne contient aucune relation, alors que ses voies sans attribut n’existent que comme membres de relations. Il a sans doute été tronqué (un téléchargement interrompu) : téléchargez-le à nouveau. Les bâtiments, surfaces en eau et limites cartographiés comme relations multipolygones manquent.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="251"/>
        <source>{count} of the {total} ways of the chosen themes refer to nodes that are not in the file (they are in rejects): the file is incomplete, or was clipped without its ways&apos; nodes. Download a complete extract if you need them.</source>
        <translation>{count} des {total} voies des thèmes choisis renvoient à des nœuds absents du fichier (elles sont dans les rejets) : le fichier est incomplet, ou a été découpé sans les nœuds de ses voies. Téléchargez un extrait complet si vous en avez besoin.</translation>
    </message>
</context>
<context>
    <name>PrepareHazard</name>
    <message>
        <location filename="../processing/prepare_hazard.py" line="61"/>
        <source>Prepare a hazard layer</source>
        <translation>Préparer une couche d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="64"/>
        <source>Hazard and exposure</source>
        <translation>Aléa et exposition</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="70"/>
        <source>Hazard zones</source>
        <translation>Zones d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="72"/>
        <source>Class field</source>
        <translation>Champ de classe</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="75"/>
        <source>Value map</source>
        <translation>Table de correspondance</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="78"/>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="81"/>
        <source>Hazard classes</source>
        <translation>Classes d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="83"/>
        <source>Rejected zones</source>
        <translation>Zones rejetées</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="90"/>
        <source>Give either hazard zones or a flood depth raster (exactly one of them).</source>
        <translation>Indiquez soit des zones d’aléa, soit un raster de hauteur d’eau (exactement l’un des deux).</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="118"/>
        <source>No area is exposed: the hazard layer is empty.</source>
        <translation>Aucune surface n’est exposée : la couche d’aléa est vide.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="95"/>
        <source>Choose the class field of the hazard zones.</source>
        <translation>Choisissez le champ de classe des zones d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="164"/>
        <source>The hazard zones layer is empty.</source>
        <translation>La couche des zones d’aléa est vide.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="173"/>
        <source>The value map matches none of the values of {field} ({values}). Edit the value map so that it names these values.</source>
        <translation>La table de correspondance ne correspond à aucune valeur de {field} ({values}). Modifiez-la pour qu’elle nomme ces valeurs.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="177"/>
        <source>{count} invalid zone geometries were repaired.</source>
        <translation>{count} géométries de zones invalides ont été réparées.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="79"/>
        <source>Area polygons</source>
        <translation>Polygones de zone</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="151"/>
        <source>The area layer holds no polygon: choose a layer of polygons, or leave the area empty to keep the whole hazard.</source>
        <translation>La couche de zone ne contient aucun polygone : choisissez une couche de polygones, ou laissez la zone vide pour garder tout l’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="160"/>
        <source>The hazard zones have no field {field}: choose their class field.</source>
        <translation>Les zones d’aléa n’ont pas de champ {field} : choisissez leur champ de classe.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="166"/>
        <source>No hazard zone has a usable polygon ({count} zones without one): check the layer, or choose a layer of polygons.</source>
        <translation>Aucune zone d’aléa n’a de polygone utilisable ({count} zones sans polygone) : vérifiez la couche, ou choisissez une couche de polygones.</translation>
    </message>
</context>
<context>
    <name>RefugePlugin</name>
    <message>
        <location filename="../plugin/plugin.py" line="48"/>
        <source>&amp;Refuge</source>
        <translation>&amp;Refuge</translation>
    </message>
    <message>
        <location filename="../plugin/plugin.py" line="58"/>
        <source>Help</source>
        <translation>Aide</translation>
    </message>
</context>
<context>
    <name>RefugeProvider</name>
    <message>
        <location filename="../processing/provider.py" line="28"/>
        <source>Refuge: disaster-risk planning</source>
        <translation>Refuge : planification des risques de catastrophe</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../processing/sources.py" line="191"/>
        <source>The field {field} does not exist in the layer.</source>
        <translation>Le champ {field} n’existe pas dans la couche.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="103"/>
        <source>The layer {layer} has no coordinate reference system. Set its CRS in the layer properties, then run again.</source>
        <translation>La couche {layer} n’a pas de système de coordonnées de référence. Définissez son SCR dans les propriétés de la couche, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="75"/>
        <source>between {low} and {high}</source>
        <translation>entre {low} et {high}</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="77"/>
        <source>at least {low}</source>
        <translation>au moins {low}</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="79"/>
        <source>at most {high}</source>
        <translation>au plus {high}</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="80"/>
        <source>{parameter} must be a number {rule} (the value given is {value}).</source>
        <translation>{parameter} doit être un nombre {rule} (la valeur donnée est {value}).</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="246"/>
        <source>{layer} and {other} do not overlap: about {km} km separate them, so nothing of one can meet the other. Check that they cover the same area, and their coordinate reference systems.</source>
        <translation>{layer} et {other} ne se recouvrent pas : environ {km} km les séparent, donc rien de l’un ne peut rencontrer l’autre. Vérifiez qu’ils couvrent la même zone, et leurs systèmes de coordonnées.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="124"/>
        <source>The layer {layer} holds {found}, but it must hold {expected}. Choose a layer of {expected}.</source>
        <translation>La couche {layer} contient des {found}, mais elle doit contenir des {expected}. Choisissez une couche de {expected}.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="124"/>
        <source> or </source>
        <translation> ou </translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="47"/>
        <source>The hazard layer has no field {field}. Choose its class field, or prepare it with Prepare a hazard layer.</source>
        <translation>La couche d’aléa n’a pas de champ {field}. Choisissez son champ de classe, ou préparez-la avec Préparer une couche d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="52"/>
        <source>The hazard layer {layer} is empty.</source>
        <translation>La couche d’aléa {layer} est vide.</translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="56"/>
        <source>The hazard class field holds values that are not classes ({values}): use 0 to 3, or prepare the layer with Prepare a hazard layer.</source>
        <translation>Le champ de classe d’aléa contient des valeurs qui ne sont pas des classes ({values}) : utilisez 0 à 3, ou préparez la couche avec Préparer une couche d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="61"/>
        <source>No zone of the hazard layer {layer} has a usable geometry ({count} zones without one): check the layer.</source>
        <translation>Aucune zone de la couche d’aléa {layer} n’a de géométrie utilisable ({count} zones sans géométrie) : vérifiez la couche.</translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="65"/>
        <source>{count} hazard zones have no usable geometry: they are ignored and listed in the rejected features.</source>
        <translation>{count} zones d’aléa n’ont pas de géométrie utilisable : elles sont ignorées et listées dans les entités rejetées.</translation>
    </message>
    <message>
        <location filename="../processing/hazard_input.py" line="72"/>
        <source>{layer}: {count} invalid geometries were repaired.</source>
        <translation>{layer} : {count} géométries invalides ont été réparées.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="87"/>
        <source>points</source>
        <translation>points</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="87"/>
        <source>lines</source>
        <translation>lignes</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="88"/>
        <source>polygons</source>
        <translation>polygones</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="88"/>
        <source>no geometry</source>
        <translation>entités sans géométrie</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="318"/>
        <source>The field {field} ({parameter}) holds values that are not numbers: {examples}. Correct them (or empty them), then run again.</source>
        <translation>Le champ {field} ({parameter}) contient des valeurs qui ne sont pas des nombres : {examples}. Corrigez-les (ou videz-les), puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="324"/>
        <source>The field {field} ({parameter}) holds negative values: {examples}. People and capacities cannot be negative: correct them, then run again.</source>
        <translation>Le champ {field} ({parameter}) contient des valeurs négatives : {examples}. Populations et capacités ne peuvent pas être négatives : corrigez-les, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="335"/>
        <source> and {count} more</source>
        <translation> et {count} autres</translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="230"/>
        <source>QGIS cannot read the layer given as {name}: it stopped while opening it. Check that the file is complete (open it in QGIS), or save the layer again as a GeoPackage.</source>
        <translation>QGIS ne peut pas lire la couche donnée pour {name} : il s’est arrêté en l’ouvrant. Vérifiez que le fichier est complet (ouvrez-le dans QGIS), ou enregistrez de nouveau la couche en GeoPackage.</translation>
    </message>
    <message>
        <location filename="../processing/sources.py" line="223"/>
        <source>Canceled: nothing was written.</source>
        <translation>Annulé : rien n’a été écrit.</translation>
    </message>
</context>
</TS>
